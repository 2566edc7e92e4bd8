// Preloaded into every node process of a box by `npm run bench -- --profile` (NODE_OPTIONS=--import):
// a sampling CPU profile runs from the start; SIGUSR2 writes it to $ERPBI_PROFILE_DIR and starts a
// fresh one, so the bench can cut out exactly the window it measures.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const dir = process.env.ERPBI_PROFILE_DIR;
if (dir) {
  const script = process.argv[1] ?? 'node';
  const name = process.env.FUNCTION_NAME ?? (script.endsWith('index.js') ? basename(dirname(script)) : basename(script).replace(/\.[cm]?[jt]s$/, ''));
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  let n = 0;
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err && result?.profile) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${name}.${process.pid}.${n++}.cpuprofile`), JSON.stringify(result.profile));
      }
      session.post('Profiler.start');
    });
  });
}
