import pg from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, ensureStreams } from '../../shared/events/bus.js';
import type { NatsTarget, StreamPosition } from './manifest.js';

// The event stream's side: where it stood at backup time, and the restored outbox published into a new
// box's empty stream.

/** The stream's first and last sequence and message count (also the total `erpbi rebuild-olap` reports against). */
export async function readStreamPosition(nats: NatsTarget): Promise<StreamPosition> {
  const { url, stream } = nats;
  const bus = await connectBus(url, 'erpbi-backup', { credentials: nats.credentials });
  try {
    const info = await (await jetstreamManager(bus.nc)).streams.info(stream);
    return { name: stream, firstSeq: info.state.first_seq, lastSeq: info.state.last_seq, messages: info.state.messages };
  } finally {
    await bus.nc.close();
  }
}

/** Publishes the restored outbox, oldest first, into the (empty) stream, made first as the connector would. */
export async function republishOutbox(databaseUrl: string, nats: NatsTarget, prefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const bus = await connectBus(nats.url, 'erpbi-restore', { credentials: nats.credentials });
  let n = 0;
  try {
    // A new box's stream does not exist until its connector first starts: make it (and its dead
    // letters) as the connector would, so the events have somewhere to go.
    await ensureStreams(bus.nc, nats.stream, prefix);
    const { rows } = await client.query<{ id: string; subject: string; payload: unknown }>(
      'select id, subject, payload from platform.outbox order by created_at, id',
    );
    for (const row of rows) {
      const subject = row.subject.replace(/^[^.]+\./, `${prefix}.`);
      await bus.js.publish(subject, JSON.stringify(row.payload), { msgID: row.id });
      n += 1;
    }
    await client.query('update platform.outbox set published_at = coalesce(published_at, now())');
  } finally {
    await bus.nc.close();
    await client.end();
  }
  return n;
}
