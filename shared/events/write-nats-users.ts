import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { natsUsersConf } from './nats-users.js';

// `npm run gen:nats`: writes compose/nats/users.conf, the users block the Pi's nats-server includes.
// tests/deploy/nats-users.test.ts fails while it differs from what shared/events/nats-users.ts generates.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
writeFileSync(join(root, 'compose', 'nats', 'users.conf'), natsUsersConf());
console.log('compose/nats/users.conf written');
