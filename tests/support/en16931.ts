import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SaxonJS from 'saxon-js';

// The official EN 16931 business rules (CEN/TC 434's Schematron, compiled to XSLT; vendored with their
// licence in tests/fixtures/en16931/, see NOTICE.md there) run in-process through SaxonJS. SaxonJS runs
// compiled stylesheets (SEF) only; compiling one takes about half a minute, so the SEF is cached under
// node_modules/.cache/en16931/, named by the hash of the XSLT and of SaxonJS's version: a later run, or
// another test file of the same run, reads it (a lock directory makes the other workers wait for the
// first compile instead of compiling it again).

export type Syntax = 'ubl' | 'cii';

/** One `svrl:failed-assert`: a rule the document breaks (`flag` "fatal" is a broken business rule). */
export interface FailedAssert {
  id: string;
  flag: string;
  text: string;
  location: string;
}

const root = join(import.meta.dirname, '..', '..');
export const fixtures = join(root, 'tests', 'fixtures', 'en16931');
const cacheDir = join(root, 'node_modules', '.cache', 'en16931');
const stylesheets: Record<Syntax, string> = { ubl: 'EN16931-UBL-validation.xslt', cii: 'EN16931-CII-validation.xslt' };
const require = createRequire(import.meta.url);
const xslt3 = require.resolve('xslt3/xslt3.js');
const saxonVersion = (JSON.parse(readFileSync(require.resolve('saxon-js/package.json'), 'utf8')) as { version: string }).version;

const compiled = new Map<Syntax, Promise<unknown>>();

/** The failed assertions of the EN 16931 rules on one document (UBL Invoice/CreditNote or CII). */
export async function validate(syntax: Syntax, xml: string): Promise<FailedAssert[]> {
  const stylesheetInternal = await stylesheet(syntax);
  const { principalResult } = await SaxonJS.transform({ stylesheetInternal, sourceText: xml, destination: 'document' }, 'async');
  const found = SaxonJS.XPath.evaluate(
    'array { //svrl:failed-assert ! map { "id": string(@id), "flag": string(@flag), "location": string(@location), "text": normalize-space(svrl:text) } }',
    principalResult,
    { namespaceContext: { svrl: 'http://purl.oclc.org/dsdl/svrl' } },
  );
  return found as FailedAssert[];
}

/**
 * Compiles (or reads from the cache) both rule sets, side by side. Call it from a `beforeAll` with a long
 * timeout (`compileTimeout`): a first compile on a busy machine can take minutes, which belongs to no test.
 */
export async function loadRules(): Promise<void> {
  await Promise.all([stylesheet('ubl'), stylesheet('cii')]);
}
export const compileTimeout = 600_000;

/** Only the broken business rules (flag "fatal"); warnings are advice. */
export async function fatal(syntax: Syntax, xml: string): Promise<FailedAssert[]> {
  return (await validate(syntax, xml)).filter((a) => a.flag === 'fatal');
}

function stylesheet(syntax: Syntax): Promise<unknown> {
  let sef = compiled.get(syntax);
  if (!sef) {
    sef = sefFile(syntax).then((path) => JSON.parse(readFileSync(path, 'utf8')) as unknown);
    compiled.set(syntax, sef);
  }
  return sef;
}

async function sefFile(syntax: Syntax): Promise<string> {
  const xsl = join(fixtures, stylesheets[syntax]);
  const hash = createHash('sha256').update(readFileSync(xsl)).update(saxonVersion).digest('hex').slice(0, 16);
  const target = join(cacheDir, `${syntax}-${hash}.sef.json`);
  mkdirSync(cacheDir, { recursive: true });
  const lock = `${target}.lock`;
  const deadline = Date.now() + compileTimeout;
  for (;;) {
    if (exists(target)) return target;
    if (takeLock(lock)) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (another run compiling ${stylesheets[syntax]}?)`);
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    if (exists(target)) return target;
    const started = Date.now();
    const partial = `${target}.${process.pid}.tmp`;
    await promisify(execFile)(process.execPath, [xslt3, `-xsl:${xsl}`, `-export:${partial}`, '-nogo'], { maxBuffer: 16 * 1024 * 1024 });
    renameSync(partial, target); // whole or absent: a reader never sees half a file
    console.log(`en16931: compiled ${stylesheets[syntax]} to SEF in ${((Date.now() - started) / 1000).toFixed(1)} s (cached as ${target})`);
    return target;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * mkdir is atomic: one process gets the lock, and writes its pid into it. A lock whose process is gone
 * (a run killed while compiling) is taken over.
 */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    try {
      const holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      if (holder > 0 && !alive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        return takeLock(lock);
      }
    } catch {
      // the holder has not written its pid yet, or has just released the lock: try again
    }
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
