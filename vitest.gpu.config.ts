import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/gpu/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts', ['json', { outputFile: process.env.TRTN_GPU_RESULTS_JSON ?? 'test/gpu/results/last-run.json' }]],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
