#!/usr/bin/env node
// The `erpbi` command (npx erpbi ...): runs the TypeScript CLI through tsx, once this Node.js is one
// erpbi supports (checked before tsx loads: static imports would run first, hence the dynamic ones).
import { refuseUnsupportedNode } from './node-support.mjs';

refuseUnsupportedNode();
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
