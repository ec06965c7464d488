import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2-core machines: integration suites start servers and databases; keep parallelism modest.
    maxWorkers: 2,
    pool: 'forks',
  },
})
