import { config } from 'zod';

// zod compiles its object parsers with new Function() when it may, and probes for that as each object
// schema is made; the workspace's CSP forbids eval (gateway/security-headers.ts), so every probe would
// log a violation. Imported first by main.tsx, before any module makes a schema. Interpreted parsers
// are fast enough for forms.
config({ jitless: true });
