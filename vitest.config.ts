import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the package the way users do; point those names at the sources.
    alias: {
      'expressway/runtime': here('./runtime/index.ts'),
      'expressway/compat': here('./compat/index.ts'),
      'expressway/verify': here('./verify/index.ts'),
      'expressway/codemods': here('./codemods/index.ts'),
    },
  },
  test: {
    include: ['**/*.test.ts', 'fixtures/**/*.test.{js,mjs,cjs,ts}'],
    exclude: ['**/node_modules/**', 'dist/**', '**/__testfixtures__/**', '.expressway/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Type tests: *.test-d.ts files are type-checked by tsc, not run (runtime/path-params.test-d.ts).
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.typecheck.json' },
  },
});
