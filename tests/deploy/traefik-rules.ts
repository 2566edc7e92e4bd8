// Which router of compose/traefik/dynamic.yml takes a request, as Traefik v3 decides it: the rule
// language's operators (&&, ||, !, parentheses) and the matchers these files use (Host, Path,
// PathPrefix, PathRegexp, Method, Header, HeaderRegexp); the highest priority wins, a router without
// one having its rule's length (Traefik's default). No library evaluates Traefik rules outside Go, so
// this is the smallest one that does what ours need; an unknown matcher is an error, never a guess.

export interface Request {
  entryPoint: string;
  host: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
}

export interface Router {
  rule: string;
  entryPoints: string[];
  service: string;
  middlewares?: string[];
  priority?: number;
}

type Node = { op: 'and' | 'or'; left: Node; right: Node } | { op: 'not'; arg: Node } | { op: 'call'; name: string; args: string[] };

function parse(rule: string): Node {
  const tokens: string[] = [];
  const token = /\s*(&&|\|\||!|\(|\)|,|`[^`]*`|[A-Za-z]+)/y;
  for (let at = 0; rule.slice(at).trim() !== ''; at = token.lastIndex) {
    token.lastIndex = at;
    const m = token.exec(rule);
    if (!m) throw new Error(`cannot read rule at ${at}: ${rule}`);
    tokens.push(m[1]!);
  }
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string) => {
    const t = tokens[i++];
    if (t === undefined || (want !== undefined && t !== want)) throw new Error(`rule ${rule}: expected ${want ?? 'more'} at token ${i - 1}, got ${t}`);
    return t;
  };
  const or = (): Node => {
    let left = and();
    while (peek() === '||') {
      take();
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Node => {
    let left = unary();
    while (peek() === '&&') {
      take();
      left = { op: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    if (peek() === '!') {
      take();
      return { op: 'not', arg: unary() };
    }
    if (peek() === '(') {
      take();
      const inner = or();
      take(')');
      return inner;
    }
    const name = take();
    take('(');
    const args: string[] = [];
    while (peek() !== ')') {
      const a = take();
      if (!a.startsWith('`')) throw new Error(`rule ${rule}: argument ${a} is not a backquoted string`);
      args.push(a.slice(1, -1));
      if (peek() === ',') take();
    }
    take(')');
    return { op: 'call', name, args };
  };
  const tree = or();
  if (i !== tokens.length) throw new Error(`rule ${rule}: left over from token ${i}`);
  return tree;
}

/** Go's regexp syntax as far as ours use it: a leading (?i) becomes JavaScript's i flag. */
function goRegExp(source: string): RegExp {
  return source.startsWith('(?i)') ? new RegExp(source.slice(4), 'i') : new RegExp(source);
}

function header(req: Request, name: string): string | undefined {
  return Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

function evaluate(node: Node, req: Request): boolean {
  switch (node.op) {
    case 'and':
      return evaluate(node.left, req) && evaluate(node.right, req);
    case 'or':
      return evaluate(node.left, req) || evaluate(node.right, req);
    case 'not':
      return !evaluate(node.arg, req);
    case 'call': {
      const [a, b] = node.args;
      switch (node.name) {
        case 'Host':
          return req.host.toLowerCase() === a!.toLowerCase();
        case 'Path':
          return req.path === a;
        case 'PathPrefix':
          return req.path.startsWith(a!);
        case 'PathRegexp':
          return goRegExp(a!).test(req.path);
        case 'Method':
          return (req.method ?? 'GET') === a;
        case 'Header':
          return header(req, a!) === b;
        case 'HeaderRegexp': {
          const v = header(req, a!);
          return v !== undefined && goRegExp(b!).test(v);
        }
        default:
          throw new Error(`matcher ${node.name} is not known here: teach tests/deploy/traefik-rules.ts it`);
      }
    }
  }
}

/** The router Traefik hands the request to, or undefined (Traefik answers 404). */
export function route(routers: Record<string, Router>, req: Request): { name: string; router: Router } | undefined {
  const candidates = Object.entries(routers)
    .filter(([, r]) => r.entryPoints.includes(req.entryPoint))
    .map(([name, r]) => ({ name, router: r, priority: r.priority ?? r.rule.length }))
    .sort((x, y) => y.priority - x.priority);
  return candidates.find((c) => evaluate(parse(c.router.rule), req));
}

/** Every matcher call of a rule, for checks on their shape. */
export function matchers(rule: string): { name: string; args: string[] }[] {
  const out: { name: string; args: string[] }[] = [];
  const walk = (n: Node) => {
    if (n.op === 'call') out.push({ name: n.name, args: n.args });
    else if (n.op === 'not') walk(n.arg);
    else {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(parse(rule));
  return out;
}
