import { setPriority } from 'node:os';
import { rootLogger } from '../log.js';
import { announceListening, stopOnSignal } from '../lifecycle.js';
import { surviveDependencyOutages } from '../dependency-outage.js';
import { assembleFunction, functionSettings } from './assemble.js';
import type { FunctionDefinition } from './definition.js';

/** The bundle's entry: the upstream that of-watchdog (http mode) or runtime/ runs. */
export async function serve(def: FunctionDefinition): Promise<void> {
  const config = functionSettings(def);
  const log = rootLogger.child({ fn: def.name });
  // Only ever lower (a process may raise its own nice value without privileges, never lower it).
  if (config.CPU_NICE > 0) setPriority(config.CPU_NICE);
  // Postgres, NATS or object storage going away must not end the function (shared/dependency-outage.ts).
  surviveDependencyOutages(log);
  const { app, closeSteps } = await assembleFunction(def, config, log, { waitForNats: true });
  await app.listen({ port: config.PORT, host: config.HOST });
  announceListening(app.server.address());
  log.info({ port: config.PORT }, 'listening');
  stopOnSignal(closeSteps);
}
