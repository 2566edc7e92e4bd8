import http from 'node:http';
import { now } from './stats.js';

/** The projector's live feed: one watermark per applied batch. */
export class OlapWatch {
  seq = 0;
  batches = 0;
  private req: http.ClientRequest | undefined;
  private listener: ((seq: number, at: number) => void) | undefined;

  onWatermark(fn: (seq: number, at: number) => void) {
    this.listener = fn;
  }

  start(url: string, token: string): Promise<boolean> {
    return new Promise((ready) => {
      const u = new URL(`${url}/function/project-to-olap/live`);
      this.req = http.get(
        { host: u.hostname, port: Number(u.port), path: u.pathname, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return ready(false);
          }
          ready(true);
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            let cut: number;
            while ((cut = buf.indexOf('\n\n')) >= 0) {
              const frame = buf.slice(0, cut);
              buf = buf.slice(cut + 2);
              const data = frame
                .split('\n')
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.slice(5).trim())
                .join('\n');
              if (!data) continue;
              try {
                const w = JSON.parse(data) as { seq?: number };
                if (typeof w.seq === 'number' && w.seq >= this.seq) {
                  this.seq = w.seq;
                  this.batches += 1;
                  this.listener?.(w.seq, now());
                }
              } catch {
                // not a watermark
              }
            }
          });
        },
      );
      this.req.on('error', () => ready(false));
    });
  }

  stop(): void {
    this.req?.destroy();
  }
}
