import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['runtime/**/*.test.ts', 'adapters/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/node/**/*.test.ts', 'test/conformance/**/*.test.ts', 'test/runtime-suite/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // starts a throwaway PostgreSQL only when test/conformance/store/postgres.test.ts is part of the run
    globalSetup: ['test/setup/postgres.ts', 'test/setup/runtime-snapshot.ts'],
  },
})
