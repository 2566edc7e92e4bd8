import { afterAll, beforeAll, describe } from 'vitest';
import { arm64Checks } from './stack-checks/arm64.js';
import { durabilityChecks } from './stack-checks/durability.js';
import { floodChecks } from './stack-checks/flood.js';
import { frontDoorChecks } from './stack-checks/front-door.js';
import { imageChecks } from './stack-checks/images.js';
import { isolationChecks } from './stack-checks/isolation.js';
import { routingChecks } from './stack-checks/routing.js';
import { startStack, stopStack } from './stack-checks/start.js';

// Issue 11: the deployment, run for real. Builds the local stand-in bases and erpbi's images, starts
// the runbook's three compose files (+ tests/containers/docker-compose.stand-ins.yml) and checks the
// stack through its front door, https://erpbi.lan on 127.0.0.1:443. Postgres, NATS and Prometheus are
// read on their containers' bridge addresses, never published.
// Issue 21: erpbi's images are built for linux/amd64 and linux/arm64 and pushed to a local registry
// (Debian's docker-registry on 127.0.0.1); the amd64 stack runs the tests below, then the arm64
// images run the same stack under qemu for a smoke test (the third-party stand-ins stay amd64: their
// upstream images are multi-arch, these are this machine's own).
// The checks are in stack-checks/, one file per concern, registered here in the order they run: they
// share one stack (stack-checks/context.ts), started once, since building and starting it takes minutes.

beforeAll(startStack, 1_800_000);
afterAll(stopStack, 300_000);

describe("erpbi's images", imageChecks);

describe('the compose stack, through its front door', () => {
  frontDoorChecks();
  isolationChecks();
  durabilityChecks();
  routingChecks();
  floodChecks();
});

// Issue 21, item 4: the same compose stack from erpbi's arm64 images (REGISTRY=erpbi-arm64, the names
// build-images.sh gives them in Docker's store), run by qemu-aarch64 through binfmt_misc. Emulation
// is 5-20 times slower than the host: deadlines here are minutes where the amd64 stack's are seconds.
describe('the arm64 images under emulation (qemu): every health check, a BI query, an order to cash', arm64Checks);
