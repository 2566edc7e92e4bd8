import { defineConfig } from 'vitest/config';

// The deployment in containers (tests/containers/): builds images, runs the compose stack, needs root
// and a Docker engine. Run by `npm run test:containers` (and .ci/run), never with the main suite.
export default defineConfig({
  test: {
    include: ['tests/containers/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    fileParallelism: false,
    maxWorkers: 1,
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
