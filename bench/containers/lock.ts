import { spawn } from 'node:child_process';

// Every use of Docker on this machine (the container tests, this bench) runs under one lock file, so
// two stacks never fight over 127.0.0.1:443 or the CPU. flock(1) holds it for as long as its child
// reads stdin: closing the pipe (or this process dying) releases it; nothing has to be killed.

export const lockFile = process.env.ERPBI_STACK_LOCK ?? '/tmp/erpbi-stack.lock';

export interface HeldLock {
  release: () => Promise<void>;
}

export function holdStackLock(timeoutMs: number, say: (s: string) => void): Promise<HeldLock> {
  const child = spawn('flock', [lockFile, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const waiting = setTimeout(() => say(`waiting for ${lockFile} (another stack or build holds it)...`), 2000);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.stdin.end();
      reject(new Error(`no hold of ${lockFile} within ${timeoutMs / 1000} s: another user of Docker keeps it`));
    }, timeoutMs);
    child.once('error', (err) => reject(new Error(`flock ${lockFile}: ${err.message}`)));
    void exited.then((code) => reject(new Error(`flock ${lockFile} exited (${code}) before holding it`)));
    child.stdout.once('data', () => {
      clearTimeout(timer);
      clearTimeout(waiting);
      resolve({
        release: async () => {
          child.stdin.end();
          await exited;
        },
      });
    });
  });
}
