import { configDefaults, defineConfig } from 'vitest/config';
import { binaryImports } from './tests/support/binary-imports.js';

export default defineConfig({
  plugins: [binaryImports()],
  test: {
    include: [
      'shared/**/*.test.ts',
      'functions/**/*.test.ts',
      'triggers/**/*.test.ts',
      'olap/**/*.test.ts',
      'runtime/**/*.test.ts',
      'gateway/**/*.test.ts',
      'cli/**/*.test.ts',
      'bin/**/*.test.ts',
      'web/**/*.test.ts',
      'tests/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    // tests/ui/, tests/faults/ and tests/cluster/ are suites of their own (npm run test:ui, test:faults, test:cluster),
    // run by npm test after this one, one box at a time;
    // tests/containers/ (npm run test:containers) needs root and a Docker engine: .ci/run runs it after npm test.
    exclude: [...configDefaults.exclude, 'tests/faults/**', 'tests/ui/**', 'tests/cluster/**', 'tests/containers/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
