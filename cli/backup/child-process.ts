import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// The commands a backup runs (pg_dump, pg_restore, tar, rclone): streamed in and out, their failures
// told with their exit code and stderr (passwords redacted), in an environment that holds no secret of ours.

/** The environment a child needs to run (PATH, locale, home, temp), plus the variables `keep` accepts. */
export function minimalEnv(keep: (name: string) => boolean = () => false): NodeJS.ProcessEnv {
  const base = new Set(['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR']);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => base.has(k) || k.startsWith('LC_') || keep(k)));
}

/**
 * Runs a command whose stdout `read` consumes (pg_dump's archive, tar's). The command failing fails
 * the whole, even when `read` had already taken everything it wrote; `read` failing ends the command.
 */
export async function runReading<T>(command: string, args: string[], env: NodeJS.ProcessEnv, read: (stdout: Readable) => Promise<T>): Promise<T> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exited = exitOf(command, child);
  try {
    const result = await read(child.stdout!);
    await exited;
    return result;
  } catch (err) {
    // A command that failed by itself (its exit code and stderr) says more than what its failure
    // caused downstream; one still running is ended, and then `read`'s error is the story.
    const exitedAlready = child.exitCode !== null || child.signalCode !== null;
    if (!exitedAlready) child.kill();
    const exitErr = await exited.then(
      () => null,
      (e: unknown) => e,
    );
    throw exitedAlready && exitErr ? exitErr : err;
  }
}

/** Resolves when the child exits 0; rejects with its exit code and (redacted) stderr otherwise. */
function exitOf(command: string, child: ReturnType<typeof spawn>): Promise<void> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()).length > 8000 && (stderr = stderr.slice(-4000)));
  return new Promise((ok, fail) => {
    child.once('error', (err) => fail(new Error(`${command}: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return ok();
      fail(new Error(`${command} exited with ${code ?? signal}: ${redact(stderr.trim())}`));
    });
  });
}

/** Runs a command; with `stdin`, streams it into the command's stdin. */
export function run(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; stdin?: Readable }): Promise<void> {
  const child = spawn(command, args, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'], env: opts.env });
  const exited = exitOf(command, child);
  if (!opts.stdin) return exited;
  // A child that stops reading (it failed) breaks the pipe: its exit code and stderr tell why, so
  // the feeding error only counts when the child itself succeeded (or is something else than EPIPE:
  // an unreadable file, a decryption that failed).
  const fed = pipeline(opts.stdin, child.stdin!).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err,
  );
  return Promise.all([
    exited.then(
      () => undefined,
      (err: Error) => err,
    ),
    fed,
  ]).then(([exitErr, feedErr]) => {
    if (feedErr && feedErr.code !== 'EPIPE' && feedErr.code !== 'ERR_STREAM_PREMATURE_CLOSE')
      throw new Error(`${command}: feeding its input failed: ${feedErr.message}${exitErr ? ` (and ${exitErr.message})` : ''}`);
    if (exitErr) throw exitErr;
    if (feedErr) throw new Error(`${command}: its input was cut short (${feedErr.message})`);
  });
}

/** Connection strings may carry a password; never echo one. */
function redact(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@');
}

export function onPath(binary: string): Promise<boolean> {
  return new Promise((ok) => {
    const child = spawn(binary, ['version'], { stdio: 'ignore' });
    child.once('error', () => ok(false));
    child.once('exit', () => ok(true));
  });
}
