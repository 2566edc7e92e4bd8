import { defineConfig } from 'vitest/config';

// The JetStream cluster suite (issue 25): a box on a 3-node nats-server cluster, its stream at 3 replicas,
// under a steady order flow while the stream's leader and then another server are SIGKILLed. Files run one
// after another: the failover file starts a whole box and the machine has two cores.
export default defineConfig({
  test: {
    include: ['tests/cluster/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
