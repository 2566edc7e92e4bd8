import { defineConfig } from 'vitest/config';

// The fault suite (issue 7): kills, restarts, bad input, attacks and held load against real boxes.
// Short by default (CI); FAULTS_LONG=1 for the long mode. Files run one after another: each starts
// its own box and the machine has two cores.
const long = process.env.FAULTS_LONG === '1';
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    testTimeout: long ? 1_800_000 : 420_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
