import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandRoles } from '../../shared/auth/permissions.js';
import { crossDomainEvents } from '../../shared/events/nats-users.js';
import { eventRegistry, type Domain, type EventType } from '../../shared/events/registry.js';
import type { FunctionDefinition } from '../../shared/http/definition.js';
import { loadDefinitions } from '../support/harness.js';
import { budget, root, stackFunctions } from './support.js';
// @ts-expect-error: plain JS build script
import { nodeBundle } from '../../esbuild.config.mjs';

// docs/deploy-pi.md, "Fifteen functions": faasd CE deploys at most 15 functions, so a new command is a
// route of the function of its aggregate's domain (`<function>/<route>` in commandRoles), never a
// function of its own. This file holds that rule; stack.test.ts holds the count, nats-users.test.ts that
// each function signs in as the NATS user of the domain whose modules its handler imports.

const fns = stackFunctions();
let defs: Map<string, FunctionDefinition>;
beforeAll(async () => {
  defs = new Map((await loadDefinitions()).map((d) => [d.name, d]));
});

/** A commandRoles key as the function that serves it and the route under that function. */
function servedAt(key: string): { fn: string; route: string } {
  const [fn, ...rest] = key.split('/');
  return { fn: fn!, route: rest.length === 0 ? '/' : `/${rest.join('/')}` };
}

/** The commands a function serves: its command routes, and the POSTs its mounts document (the reminder run). */
const commandRoutes = (def: FunctionDefinition) =>
  def.routes.flatMap((r) => {
    if (r.kind === 'command') return [{ route: r.path ?? '/', roles: r.roles }];
    if (r.kind === 'mount') return (r.describe ?? []).filter((op) => op.method === 'POST').map((op) => ({ route: op.path, roles: op.roles }));
    return [];
  });

/**
 * The event types a function's bundle can raise: its handler bundled as the build bundles it, so only
 * the code it runs is scanned (a module it imports for a read may hold another command's emit, which
 * tree shaking drops). `opaque` counts emits whose type is not a literal, which this check could not follow.
 */
async function raisedBy(fn: string): Promise<{ types: string[]; opaque: number }> {
  const result = await build({
    ...(nodeBundle as object),
    entryPoints: [join(root, 'functions', fn, 'handler.ts')],
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const text = result.outputFiles.map((f) => f.text).join('\n');
  const calls = [...text.matchAll(/\buow\d*\.emit\(\s*([^,)]*)/g)].map((m) => m[1]!.trim());
  const types = calls.map((c) => /^"(\w+)"$/.exec(c)?.[1]).filter((t): t is string => t !== undefined);
  return { types, opaque: calls.length - types.length };
}

describe("fifteen functions: faasd CE's cap, and what the rule asks of every command", () => {
  it(`stack.yml stays within ${budget.maxFunctions} functions, so every command must live in one of them`, () => {
    expect(Object.keys(fns).length).toBeLessThanOrEqual(budget.maxFunctions);
  });

  it.each(Object.keys(commandRoles))('%s is served by a stack.yml function, on that route, with those roles', (key) => {
    const { fn, route } = servedAt(key);
    expect(Object.keys(fns), `${key}: ${fn} is not a function of stack.yml`).toContain(fn);
    const def = defs.get(fn);
    expect(def, `functions/${fn}/handler.ts`).toBeDefined();
    const served = commandRoutes(def!).find((r) => r.route === route);
    expect(served, `${fn} serves no command at ${route}`).toBeDefined();
    expect([...served!.roles], key).toEqual([...commandRoles[key as keyof typeof commandRoles]]);
  });

  it('every command a stack.yml function serves has its roles in commandRoles (no command outside the table)', () => {
    // The projector is a service, not a function: its POSTs (batches from the connector, rebuilds) are not commands.
    const keys = new Set(Object.keys(commandRoles));
    const served = [...defs.values()]
      .filter((d) => d.name in fns)
      .flatMap((d) => commandRoutes(d).map((r) => (r.route === '/' ? d.name : `${d.name}${r.route}`)));
    expect(served.filter((k) => !keys.has(k))).toEqual([]);
    expect(served.length).toBeGreaterThan(10);
  });

  it.each(Object.keys(fns))(
    '%s publishes only events of its own domain (and the order status moves it makes), through everything its handler imports',
    async (fn) => {
      const { types, opaque } = await raisedBy(fn);
      expect(opaque, `${fn}: an emit whose event type is not a literal`).toBe(0);
      const raised = new Map<string, string[]>();
      for (const t of new Set(types)) {
        expect(Object.keys(eventRegistry), `${fn} raises ${t}`).toContain(t);
        const domain = eventRegistry[t as EventType].domain;
        raised.set(domain, [...(raised.get(domain) ?? []), t]);
      }
      const user = fns[fn].environment.NATS_USER as string;
      // The order's status moves inside the transaction that causes it: its NATS user may publish those subjects too.
      const allowed: readonly string[] = crossDomainEvents[user as Domain] ?? [];
      const foreign = [...raised].filter(([d]) => d !== user).flatMap(([, events]) => events);
      expect(
        foreign.filter((t) => !allowed.includes(t)),
        `${fn} signs in as ${user} but raises`,
      ).toEqual([]);
    },
  );
});
