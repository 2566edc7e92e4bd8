import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { composeSecretFiles, ensureSecrets } from './secrets.js';
import { webConfigFor } from './web-config.js';
import { composeOverride } from './compose-override.js';
import { syncTree } from './tree-copy.js';

// The idempotent steps install.sh runs through the service image's Node: each prints `ok <what>` or
// `done <what>` (`would <what>` with --check or ERPBI_CHECK=1) and throws Changed when it changed, or
// would change, something; the CLI exits 3 for it and install.sh counts it.

export class Changed extends Error {}

const flags = {
  check: { type: 'boolean' },
  compose: { type: 'string' },
  dir: { type: 'string' },
  secrets: { type: 'string' },
  domain: { type: 'string' },
  template: { type: 'string' },
  out: { type: 'string' },
  etc: { type: 'string' },
} as const;

function options(args: string[], usage: string) {
  const { values } = parseArgs({ args, options: flags });
  const need = (flag: keyof typeof values): string => {
    const v = values[flag];
    if (typeof v !== 'string' || v === '') throw new Error(`--${flag} is required\n${usage}`);
    return v;
  };
  return { need, check: values.check === true || process.env.ERPBI_CHECK === '1' };
}

/**
 * Writes `text` to `file` unless it holds it already: the line to print and whether it changed. By
 * rename, so that compose or faasd never reads half a file.
 */
export function writeIfChanged(file: string, text: string, what: string, check: boolean, mode = 0o644): [string, boolean] {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return [`ok ${what}`, false];
  if (check) return [`would ${what}`, true];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.part`, text, { mode });
  renameSync(`${file}.part`, file);
  return [`done ${what}`, true];
}

export function report(lines: string[], changed: boolean): void {
  for (const l of lines) console.log(l);
  if (changed) throw new Changed();
}

export const installSteps = {
  secrets: {
    usage:
      "  install secrets --compose FILE --dir DIR                 make each secret file FILE's top-level `secrets:` names that DIR lacks (never replaces one)",
    run: async (args: string[], usage: string) => {
      const { need, check } = options(args, usage);
      const r = ensureSecrets(need('dir'), composeSecretFiles(readFileSync(need('compose'), 'utf8')), { check });
      report(check ? r.lines.map((l) => l.replace(/^done /, 'would ')) : r.lines, r.changed);
    },
  },
  'web-config': {
    usage: "  install web-config --domain D --template FILE --out FILE  web's config.json with the issuer at auth.D",
    run: async (args: string[], usage: string) => {
      const { need, check } = options(args, usage);
      const out = need('out');
      report(
        ...wrap(
          writeIfChanged(
            out,
            webConfigFor(readFileSync(need('template'), 'utf8'), need('domain')),
            `web config ${out} (issuer at auth.${need('domain')})`,
            check,
          ),
        ),
      );
    },
  },
  'compose-override': {
    usage: "  install compose-override --compose FILE --etc DIR --out FILE  the last compose file: DIR's secrets/, tls/ and web/ mounted",
    run: async (args: string[], usage: string) => {
      const { need, check } = options(args, usage);
      const out = need('out');
      report(...wrap(writeIfChanged(out, composeOverride(readFileSync(need('compose'), 'utf8'), need('etc')), `compose override ${out}`, check)));
    },
  },
  'web-root': {
    usage: "  install web-root --out DIR                                the image's build/web (the screens) copied to DIR",
    run: async (args: string[], usage: string) => {
      const { need, check } = options(args, usage);
      const out = need('out');
      // the image's own build/web (its WORKDIR is /app)
      const changed = syncTree(join(process.cwd(), 'build', 'web'), out, check);
      report([`${changed ? (check ? 'would' : 'done') : 'ok'} web files ${out} (the image's build/web)`], changed);
    },
  },
};

const wrap = ([line, changed]: [string, boolean]): [string[], boolean] => [[line], changed];
