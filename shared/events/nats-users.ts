import { domains, subjectFor, type Domain, type EventType } from './registry.js';

// Who may do what on erpbi's nats-server: one user per kind of client, each with the subjects it
// needs and no more. Without it anyone on the box's network could publish a forged payment_received,
// read every event (salaries, emails) or delete the stream the BI store is rebuilt from.
// The one source: compose/nats/users.conf is generated from it (`npm run gen:nats`, checked by
// tests/deploy/nats-users.test.ts), and `npm start` writes its own nats-server's from it.

/** The domains' functions (each publishes its domain's events), those that publish nothing (query, render-document),
 *  the connector, the projector, and the operator (backup, restore, the CLI: everything). */
export const natsUsers = [...domains, 'silent', 'connector', 'projector', 'operator'] as const;
export type NatsUser = (typeof natsUsers)[number];

export interface NatsPermissions {
  publish: { allow?: string[]; deny?: string[] };
  subscribe: { allow?: string[]; deny?: string[] };
}

/** The one consumer the projector's replay reads through (olap/replay.ts); its user may touch no other. */
export const replayConsumer = 'olap-replay';

/**
 * Where a user's replies come (a JetStream publish's ack, an API answer, a pull consumer's messages):
 * an inbox prefix of its own (connectBus sets it). With the shared `_INBOX.>` any user could subscribe
 * to every other's inboxes and read what the connector and the projector are delivered: every event.
 */
export const inboxPrefix = (user: NatsUser) => `_INBOX_${user}`;
const replies = (user: NatsUser) => ({ allow: [`${inboxPrefix(user)}.>`] });

/**
 * Another domain's events a domain's functions raise: the order's status moves inside the transaction
 * that causes it (shared/orders/status-sync.ts), so inventory (reserved, rejected) and billing (invoiced,
 * paid) raise the orders' order_status_changed, and inventory order_rejected. Exactly these subjects,
 * not the orders' whole `orders.>`: neither may raise order_created or order_cancelled.
 */
export const crossDomainEvents: Partial<Record<Domain, readonly EventType[]>> = {
  inventory: ['order_status_changed', 'order_rejected'],
  billing: ['order_status_changed'],
};

/** What `user` may publish and subscribe to; undefined: everything (the operator). Any stream name. */
export function natsPermissions(user: NatsUser, prefix: string): NatsPermissions | undefined {
  if ((domains as readonly string[]).includes(user)) {
    const domain = user as Domain;
    const others = (crossDomainEvents[domain] ?? []).map((type) => subjectFor(prefix, type));
    return { publish: { allow: [`${prefix}.${domain}.>`, ...others] }, subscribe: replies(user) };
  }
  switch (user) {
    case 'silent':
      return { publish: { deny: ['>'] }, subscribe: { deny: ['>'] } };
    case 'connector':
      // Every domain's subjects (the outbox sweeper republishes what a function could not), dead
      // letters, its streams and consumers; never a stream's deletion or purge.
      return {
        publish: {
          allow: [
            `${prefix}.>`,
            `dlq.${prefix}.>`,
            '$JS.API.INFO',
            '$JS.API.STREAM.INFO.*',
            '$JS.API.STREAM.CREATE.*',
            '$JS.API.STREAM.UPDATE.*',
            '$JS.API.CONSUMER.>',
            '$JS.ACK.>',
          ],
        },
        subscribe: replies(user),
      };
    case 'projector':
      // Reads the stream through its one replay consumer (olap/replay.ts) and nothing else: not the
      // connector's consumers, whose messages it could otherwise take and acknowledge.
      return {
        publish: {
          allow: [
            '$JS.API.INFO',
            '$JS.API.STREAM.INFO.*',
            ...['CREATE', 'INFO', 'DELETE', 'MSG.NEXT'].map((op) => `$JS.API.CONSUMER.${op}.*.${replayConsumer}`),
            `$JS.API.CONSUMER.CREATE.*.${replayConsumer}.>`,
            `$JS.ACK.*.${replayConsumer}.>`,
          ],
        },
        subscribe: replies(user),
      };
    default:
      return undefined;
  }
}

/** What a NATS password must look like: nats-server reads it as an unquoted value, so a letter first (else
 *  `12-34...` reads as a date, `1e5...` as a number) and letters and digits after. */
export const natsPasswordShape = /^[A-Za-z][A-Za-z0-9]{15,}$/;

/** The secret file that holds a user's password (each service mounts its own). */
export const natsPasswordSecret = (user: string) => `nats-${user}`;

/** The environment variable nats-server reads a user's password from (set from the secret `nats-<user>`). */
export const passwordVariable = (user: NatsUser) => `NATS_PASSWORD_${user.toUpperCase()}`;

/** nats-server's `authorization` block for every user; passwords are references to the environment. */
export function natsAuthorization(prefix: string): string {
  const users = natsUsers.map((user) => {
    const permissions = natsPermissions(user, prefix);
    // JSON is nats-server's config syntax too, except the unquoted $VARIABLE it fills from the environment.
    return `    {user: ${JSON.stringify(user)}, password: $${passwordVariable(user)}${permissions ? `, permissions: ${JSON.stringify(permissions)}` : ''}}`;
  });
  return `authorization {\n  users: [\n${users.join('\n')}\n  ]\n}\n`;
}

/** compose/nats/users.conf: the block for the Pi's server, whose events prefix is the default `erp`. */
export function natsUsersConf(): string {
  return `# GENERATED by \`npm run gen:nats\` from shared/events/nats-users.ts: edit that, not this file.
# erpbi's NATS users and what each may publish and subscribe to. The passwords come from the
# environment, which the erpbi-nats container sets from its secrets nats-<user>.
${natsAuthorization('erp')}`;
}
