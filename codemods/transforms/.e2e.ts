// Copy a fixture app into .expressway/e2e-<name> (inside the repo so packages resolve), migrate every source file, print entries.
import { cpSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import { migrateSource } from '/work/main/codemods/migrate-source.ts';
const name = process.argv[2];
const src = `/work/main/fixtures/${name}`;
const dst = `/work/main/.expressway/e2e-${name}`;
rmSync(dst, { recursive: true, force: true });
cpSync(src, dst, { recursive: true, filter: (p) => !p.includes('node_modules') });
let t = { native: 0, compat: 0 };
for (const f of globSync(['**/*.{js,mjs,cjs,ts}'], { cwd: dst, ignore: ['test/**', 'node_modules/**', 'vitest.config.*'] })) {
  const path = `${dst}/${f}`;
  const r = migrateSource(readFileSync(path, 'utf8'), { path, runtimeImport: '/work/main/dist/runtime/index.js', compatImport: '/work/main/dist/compat/index.js' });
  if (r.output !== null) writeFileSync(path, r.output);
  t.native += r.handlers.native; t.compat += r.handlers.compat;
}
console.log(name, t);
