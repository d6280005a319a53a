/**
 * Issue #7's end-to-end check: every app in fixtures/ is copied, migrated by
 * the built CLI (`expressway codemod run`), and its own test suite (its
 * vitest.config.mjs and test/, both left as they are) runs against the
 * migrated copy. Every test of every suite must pass. The suites import the
 * app module (supertest, ws, eventsource), so they exercise the migrated
 * code in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyApp } from '../migrate/copy-app.js';
import { linkDependencies } from '../migrate/link-deps.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist', 'cli', 'main.js');
const VITEST = join(root, 'node_modules', 'vitest', 'vitest.mjs');
// .expressway/ is gitignored (and excluded from the root vitest run): a fresh clone does not have it yet.
mkdirSync(join(root, '.expressway'), { recursive: true });
const work = mkdtempSync(join(root, '.expressway', 'test-fixtures-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FIXTURES = readdirSync(join(root, 'fixtures')).filter((name) => existsSync(join(root, 'fixtures', name, 'vitest.config.mjs')));

/**
 * Fixtures whose own suite does not pass against the migrated copy yet, and
 * why (the failing tests and their messages are printed by the test). These
 * are codemod gaps; once one passes, it.fails turns red: take it off the list.
 */
// middleware-stack was here until 22:37 UTC on 2026-11-23 (multer's req.file did not reach ctx.state.file through
// fromExpress on POST /api/uploads); a later build of the transforms fixed it.
const KNOWN_FAILING: Record<string, string> = {};

/**
 * Every handler of every fixture migrates natively today (105 of 105), and
 * only the middleware listed here still runs through fromExpress: a change
 * that sends one back through fromExpress or Express is a regression
 * even when the suite still passes (compat keeps the answers the same). An
 * exception thrown in one round of the runner's cross-module agreement once
 * did exactly that, silently, for fixtures/auth's session and middleware.
 */
const LEFT_ON_COMPAT: Record<string, string[]> = {
  // multer parses multipart bodies on its own; no counterpart (POST /api/uploads only).
  'middleware-stack': ["third-party-middleware: upload.single('file')"],
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface SuiteResult {
  codemod: Run;
  changedFiles: number;
  /** What the codemod left on Express or fromExpress, as `rule: handler` (its report's compat entries). */
  leftOnCompat: string[];
  suite: Run;
  /** vitest's JSON report: counts, and per test its status and failure messages. */
  report?: {
    numTotalTests: number;
    numPassedTests: number;
    numFailedTests: number;
    testResults: Array<{ name: string; message?: string; assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
  };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const child = spawn(process.execPath, args, { cwd, env: { ...env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The environment a suite gets on its own: nothing from this vitest run, and no FIXTURE_BASE_URL (the suite starts the app itself). */
function suiteEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VITEST') || k.startsWith('FIXTURE_') || k === 'TEST') continue;
    env[k] = v;
  }
  return env;
}

async function migrateAndTest(name: string): Promise<SuiteResult> {
  const copy = join(work, name);
  await copyApp(join(root, 'fixtures', name), copy, false);
  await linkDependencies(join(root, 'fixtures', name), copy);
  const codemodReport = join(work, `${name}.codemod.json`);
  // The suite is the fixture's own, unchanged: the codemod migrates the app, not its tests.
  // One CPU: a fixture is a handful of files, and two fixtures run at once.
  const codemod = await run([CLI, 'codemod', 'run', '.', '--no-gitignore', '--ignore-pattern', 'test/', '--cpus', '1', '--silent', '--report', codemodReport], copy);
  const report = existsSync(codemodReport) ? (JSON.parse(readFileSync(codemodReport, 'utf8')) as CodemodReportFile) : undefined;
  const changedFiles = report?.totals.changed ?? 0;
  const leftOnCompat = (report?.files ?? []).flatMap((f) => f.entries.filter((e) => e.kind === 'compat' || e.rule === 'codemod-round-failed').map((e) => `${e.rule}: ${e.handler ?? e.reason ?? ''}`));
  const suiteReport = join(work, `${name}.vitest.json`);
  const suite = await run([VITEST, 'run', '--root', copy, '--no-file-parallelism', '--reporter=json', `--outputFile=${suiteReport}`], copy, suiteEnv());
  const result: SuiteResult = { codemod, changedFiles, leftOnCompat, suite };
  if (existsSync(suiteReport)) result.report = JSON.parse(readFileSync(suiteReport, 'utf8')) as SuiteResult['report'];
  return result;
}

interface CodemodReportFile {
  totals: { changed: number };
  files: Array<{ entries: Array<{ kind: string; rule: string; handler?: string; reason?: string }> }>;
}

/** Two at a time: each run is a codemod process and a vitest process, and the machine has two cores. */
async function runAll(names: string[], parallel: number): Promise<Map<string, SuiteResult>> {
  const results = new Map<string, SuiteResult>();
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) results.set(name, await migrateAndTest(name));
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/** What failed, short enough to read in a test title diff: the failing tests and the first line of each message. */
function failures(result: SuiteResult): string[] {
  if (!result.report) return [`no vitest report (exit ${result.suite.code}): ${result.suite.stderr.split('\n').filter(Boolean).slice(-6).join(' | ')}`];
  const out: string[] = [];
  for (const file of result.report.testResults) {
    if (file.message) out.push(`${relative(work, file.name)}: ${file.message.split('\n')[0]}`);
    for (const t of file.assertionResults) {
      if (t.status !== 'passed') out.push(`${t.fullName} [${t.status}]: ${(t.failureMessages[0] ?? '').split('\n')[0]}`);
    }
  }
  return out;
}

describe('every fixture\'s own suite passes against its migrated copy', () => {
  let results: Map<string, SuiteResult>;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    results = await runAll(FIXTURES, 2);
  }, 300_000);

  it('finds the fixtures', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of FIXTURES) {
    const why = KNOWN_FAILING[name];
    const test = why ? it.fails : it;
    test(`${name}: migrated, and 100% of its suite passes${why ? ` (known failing: ${why})` : ''}`, () => {
      const result = results.get(name)!;
      expect({ codemodExit: result.codemod.code, stderr: result.codemod.stderr.trim() }).toEqual({ codemodExit: 0, stderr: '' });
      // A copy the codemod left as it was would pass trivially.
      expect(result.changedFiles).toBeGreaterThan(0);
      expect(result.leftOnCompat).toEqual(LEFT_ON_COMPAT[name] ?? []);
      expect(failures(result)).toEqual([]);
      expect(result.report!.numTotalTests).toBeGreaterThan(0);
      expect(result.report!.numPassedTests).toBe(result.report!.numTotalTests);
      expect(result.suite.code).toBe(0);
    });
  }
});
