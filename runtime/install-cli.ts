import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { composeSecretFiles, ensureSecrets } from './install/secrets.js';
import { webConfigFor } from './install/web-config.js';
import { composeOverride } from './install/compose-override.js';
import { syncTree } from './install/tree-copy.js';

// `erpbi install <step>`: the parts of install.sh that read YAML and JSON, run by the service image's
// Node (a blank Pi has none of its own). Each prints `ok <what>` or `done <what>` (`would <what>` when
// ERPBI_CHECK=1 or --check) and exits 3 when it changed, or would change, something: install.sh counts it.

export const installUsage = `  install secrets --compose FILE --dir DIR                 make the secrets FILE's top-level secrets: name that DIR lacks (never replaces one)
  install web-config --domain D --template FILE --out FILE  web's config.json with the issuer at auth.D
  install compose-override --compose FILE --etc DIR --out FILE  the compose file mounting DIR's secrets, tls/ and web/
  install web-root --out DIR                                the image's build/web (the screens) copied to DIR
  (with --check or ERPBI_CHECK=1: report only; exit 3 when something changed or would change)`;

export class Changed extends Error {}

const flags = { check: { type: 'boolean' }, compose: { type: 'string' }, dir: { type: 'string' }, domain: { type: 'string' }, template: { type: 'string' }, out: { type: 'string' }, etc: { type: 'string' } } as const;

function need<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === '') throw new Error(`--${flag} is required\n${installUsage}`);
  return value;
}

/** Writes `text` to `file` unless it holds it already; the line to print. */
function writeIfChanged(file: string, text: string, what: string, check: boolean, mode = 0o644): { line: string; changed: boolean } {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return { line: `ok ${what}`, changed: false };
  if (check) return { line: `would ${what}`, changed: true };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
  return { line: `done ${what}`, changed: true };
}

export async function installCommand(args: string[]): Promise<void> {
  const [step, ...rest] = args;
  const { values: v } = parseArgs({ args: rest, options: flags });
  const check = v.check === true || process.env.ERPBI_CHECK === '1';
  let lines: string[];
  let changed: boolean;
  switch (step) {
    case 'secrets': {
      const compose = need(v.compose, 'compose');
      const r = ensureSecrets(need(v.dir, 'dir'), composeSecretFiles(readFileSync(compose, 'utf8')), { check });
      lines = check ? r.lines.map((l) => l.replace(/^done /, 'would ')) : r.lines;
      changed = r.changed;
      break;
    }
    case 'web-config': {
      const out = need(v.out, 'out');
      const r = writeIfChanged(out, webConfigFor(readFileSync(need(v.template, 'template'), 'utf8'), need(v.domain, 'domain')), `web config ${out} (issuer https://auth.${v.domain}/realms/...)`, check);
      [lines, changed] = [[r.line], r.changed];
      break;
    }
    case 'compose-override': {
      const out = need(v.out, 'out');
      const r = writeIfChanged(out, composeOverride(readFileSync(need(v.compose, 'compose'), 'utf8'), need(v.etc, 'etc')), `compose override ${out}`, check);
      [lines, changed] = [[r.line], r.changed];
      break;
    }
    case 'web-root': {
      const out = need(v.out, 'out');
      // the image's own build/web (its WORKDIR is /app)
      changed = syncTree(join(process.cwd(), 'build', 'web'), out, check);
      lines = [`${changed ? (check ? 'would' : 'done') : 'ok'} web files ${out} (the image's build/web)`];
      break;
    }
    default:
      throw new Error(`unknown install step ${step ?? '(none)'}\n${installUsage}`);
  }
  for (const l of lines) console.log(l);
  if (changed) throw new Changed();
}
