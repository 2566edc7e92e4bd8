// The container test's nginx stand-in for Traefik (tests/containers/front-door.conf), read as nginx
// reads it: directives and blocks, and which location of a server takes a path (nginx's order: an
// exact `=` match; else the longest prefix if it is `^~`; else the first regex `~`/`~*` in file order;
// else the longest prefix). Only what the front door's file uses; it is a test's reader, not nginx.

export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

export function parseNginx(text: string): Directive[] {
  // a quoted string is a word even if it reads `;` or `{`: kept apart from the punctuation
  const tokens: { word: string; quoted: boolean }[] = [];
  const token = /(?:\s|#[^\n]*)*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};"']+)/y;
  for (
    let at = 0;
    text
      .slice(at)
      .replace(/#[^\n]*/g, '')
      .trim() !== '';
    at = token.lastIndex
  ) {
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) throw new Error(`cannot read nginx configuration at ${at}`);
    const t = m[1]!;
    tokens.push(/^["']/.test(t) ? { word: t.slice(1, -1), quoted: true } : { word: t, quoted: false });
  }
  let i = 0;
  const is = (at: number, p: string) => tokens[at] !== undefined && !tokens[at]!.quoted && tokens[at]!.word === p;
  const block = (): Directive[] => {
    const out: Directive[] = [];
    while (i < tokens.length && !is(i, '}')) {
      const name = tokens[i++]!.word;
      const args: string[] = [];
      while (!is(i, ';') && !is(i, '{')) {
        if (i >= tokens.length) throw new Error(`nginx: ${name} never ends`);
        args.push(tokens[i++]!.word);
      }
      if (is(i++, '{')) {
        out.push({ name, args, block: block() });
        if (!is(i++, '}')) throw new Error(`nginx: block ${name} never closes`);
      } else out.push({ name, args });
    }
    return out;
  };
  return block();
}

export const all = (ds: Directive[], name: string) => ds.filter((d) => d.name === name);
export const one = (ds: Directive[], name: string) => ds.find((d) => d.name === name);

/** The server block listening on `port` (and named `serverName`, when several listen there). */
export function server(conf: Directive[], port: number, serverName?: string): Directive[] {
  const found = all(conf, 'server').find(
    (s) =>
      all(s.block!, 'listen').some((l) => l.args[0] === String(port)) && (serverName === undefined || one(s.block!, 'server_name')?.args.includes(serverName)),
  );
  if (!found) throw new Error(`no server on ${port} ${serverName ?? ''}`);
  return found.block!;
}

/** The location block nginx picks for a (normalised) path. */
export function location(srv: Directive[], path: string): Directive | undefined {
  const locations = all(srv, 'location');
  const exact = locations.find((l) => l.args[0] === '=' && l.args[1] === path);
  if (exact) return exact;
  const prefixes = locations.filter((l) => l.args.length === 1 || l.args[0] === '^~').filter((l) => path.startsWith(l.args.at(-1)!));
  const longest = prefixes.sort((a, b) => b.args.at(-1)!.length - a.args.at(-1)!.length)[0];
  if (longest?.args[0] === '^~') return longest;
  const regex = locations.find((l) => (l.args[0] === '~' || l.args[0] === '~*') && new RegExp(l.args[1]!, l.args[0] === '~*' ? 'i' : '').test(path));
  return regex ?? longest;
}
