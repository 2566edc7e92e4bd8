import { defineConfig } from 'vitest/config';

// The workspace driven through Chromium (tests/ui/), after the main suite and on its own: a browser and
// a box of its own take both cores, and beside them the main suite's flow tests miss their 2 s budgets.
export default defineConfig({
  test: {
    include: ['tests/ui/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
