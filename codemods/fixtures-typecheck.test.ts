/**
 * A TypeScript app that typechecks before the migration typechecks after
 * it: every fixture with a tsconfig.json is copied, migrated by the built CLI
 * (`expressway codemod run`), and its own tsconfig is checked with
 * `tsc --noEmit -p .` on the original and on the migrated copy. The copy
 * resolves `expressway/*` (runtime, compat, helpers) from this package's
 * dist/ through its declaration files, as an installed expressway would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyApp } from '../migrate/copy-app.js';
import { linkDependencies } from '../migrate/link-deps.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist', 'cli', 'main.js');
const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
mkdirSync(join(root, '.expressway'), { recursive: true });
const work = mkdtempSync(join(root, '.expressway', 'test-fixtures-typecheck-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FIXTURES = readdirSync(join(root, 'fixtures')).filter((name) => existsSync(join(root, 'fixtures', name, 'tsconfig.json')));

type Run = { code: number | null; output: string };

function run(args: string[], cwd: string): Promise<Run> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

/** tsc's diagnostics, one line each (`file(line,col): error TSnnnn: ...`). */
function diagnostics(r: Run): string[] {
  return r.output.split('\n').filter((line) => /error TS\d+/.test(line));
}

describe('a fixture that typechecks still typechecks once migrated', () => {
  const results = new Map<string, { original: Run; codemod: Run; changed: number; migrated: Run }>();
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    for (const name of FIXTURES) {
      const original = join(root, 'fixtures', name);
      const copy = join(work, name);
      const report = join(work, `${name}.codemod.json`);
      // The original's check runs while the copy is made and migrated.
      const [before, codemod] = await Promise.all([run([TSC, '--noEmit', '-p', '.'], original), (async () => {
        await copyApp(original, copy, false);
        await linkDependencies(original, copy);
        return run([CLI, 'codemod', 'run', '.', '--no-gitignore', '--ignore-pattern', 'test/', '--cpus', '1', '--silent', '--report', report], copy);
      })()]);
      const changed = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { totals: { changed: number } }).totals.changed : 0;
      results.set(name, { original: before, codemod, changed, migrated: await run([TSC, '--noEmit', '-p', '.'], copy) });
    }
  }, 120_000);

  it('finds the TypeScript fixtures', () => {
    expect(FIXTURES).toContain('ts-express5');
  });

  for (const name of FIXTURES) {
    it(`${name}: tsc --noEmit passes on the original and on the migrated copy`, () => {
      const r = results.get(name)!;
      expect({ exit: r.original.code, errors: diagnostics(r.original) }).toEqual({ exit: 0, errors: [] });
      expect(r.codemod.code).toBe(0);
      // A copy the codemod left as it was would pass trivially.
      expect(r.changed).toBeGreaterThan(0);
      expect({ exit: r.migrated.code, errors: diagnostics(r.migrated) }).toEqual({ exit: 0, errors: [] });
    });
  }
});
