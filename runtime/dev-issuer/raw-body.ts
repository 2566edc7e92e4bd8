import type { FastifyRequest } from 'fastify';

// Bodies read from the raw stream: the issuers register no body parsers (runtime/dev-issuer/main.ts), so
// each route reads what it expects, at most `limit` characters.

async function readRaw(req: FastifyRequest, limit: number): Promise<{ text: string; whole: boolean }> {
  let text = '';
  if (req.body === undefined || req.body === null) return { text, whole: true }; // no content-type: Fastify passes no stream
  for await (const chunk of req.body as AsyncIterable<Buffer>) if ((text += chunk).length > limit) return { text, whole: false };
  return { text, whole: true };
}

/** An application/x-www-form-urlencoded body; past `limit` the rest is not read and the form is what came. */
export async function readForm(req: FastifyRequest, limit = 4096): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams((await readRaw(req, limit)).text));
}

/** A JSON body, or why it is none: longer than `limit`, or not JSON. */
export async function readJson(req: FastifyRequest, limit = 64 * 1024): Promise<{ json: unknown } | { problem: string }> {
  const { text, whole } = await readRaw(req, limit);
  if (!whole) return { problem: `the body is longer than ${limit} bytes` };
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return { problem: 'the body is not JSON' };
  }
}
