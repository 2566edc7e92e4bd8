import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseChannel {
  send: (event: string, data: unknown) => void;
  /** Ends the stream from our side (shutdown): the browser reconnects to the next process. */
  end: () => void;
  closed: Promise<void>;
}

/**
 * Turns the reply into a Server-Sent Events stream. A comment line every `heartbeatMs` keeps proxies
 * and the browser from timing the connection out; `closed` resolves when the client goes away.
 */
export function openSse(req: FastifyRequest, reply: FastifyReply, heartbeatMs = 15_000): SseChannel {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no', // nginx/Traefik style proxies must not buffer the stream
    'x-correlation-id': req.id,
  });
  res.write('retry: 2000\n\n');
  const beat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  const closed = new Promise<void>((done) => {
    req.raw.once('close', () => {
      clearInterval(beat);
      done();
    });
  });
  return {
    send: (event, data) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end: () => res.end(),
    closed,
  };
}
