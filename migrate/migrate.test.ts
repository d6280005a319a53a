/**
 * `expressway migrate` end to end, through the built CLI (`npm test` builds
 * first): on small plain-node apps that the codemods leave alone (so these
 * tests judge the orchestration, not the transforms), and the acceptance
 * run over every app in fixtures/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../verify/report-model.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist', 'cli', 'main.js');
// .expressway/ is gitignored: a fresh clone does not have it yet.
mkdirSync(join(root, '.expressway'), { recursive: true });
const work = mkdtempSync(join(root, '.expressway', 'test-migrate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

/**
 * A plain node:http app (no Express, so the codemods leave it as it is) with
 * per-process state (a list that POST appends to), a per-process value (pid:
 * noise), and `/where`, which answers its own directory when `leaky`: the
 * copy lives elsewhere, so that is a real difference.
 */
function plainApp(name: string, leaky: boolean): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, scripts: { start: 'node server.js', test: 'node drive.js' } }));
  writeFileSync(join(dir, 'server.js'), `
const http = require('node:http');
const items = [];
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url === '/items') { items.push(body); res.statusCode = 201; return res.end(JSON.stringify({ id: items.length })); }
    if (req.url === '/items') return res.end(JSON.stringify({ count: items.length, pid: process.pid }));
    if (req.url === '/where') return res.end(JSON.stringify({ dir: ${leaky ? '__dirname' : "'here'"}, pid: process.pid }));
    res.statusCode = 404;
    res.end('{}');
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`);
  // The "test suite": the requests a real suite would send, to the URL migrate gives it.
  writeFileSync(join(dir, 'drive.js'), `
const base = process.env.FIXTURE_BASE_URL;
(async () => {
  for (const [method, path] of [['POST', '/items'], ['POST', '/items'], ['GET', '/items'], ['GET', '/where'], ['GET', '/items']]) {
    const res = await fetch(base + path, { method, ...(method === 'POST' ? { body: 'x' } : {}) });
    await res.text();
  }
})();
`);
  return dir;
}

describe('expressway migrate (orchestration)', () => {
  it('records traffic from the suite, replays writes once per process, treats per-process values as noise, and passes', async () => {
    const app = plainApp('steady', false);
    const json = join(work, 'steady.json');
    const run = await cli(['migrate', app, '--out', join(work, 'steady-out'), '--bench-duration', '0.3', '--json', json]);
    expect(run.stderr).toMatch(/\[1\/7\] Copying the app[\s\S]*\[7\/7\] Writing the report/);
    expect(run.code).toBe(0);
    const report = readReport(json);
    expect(report.traffic.source).toBe(join(work, 'steady-out', '.expressway', 'recorded-traffic.ndjson'));
    expect(report.totals).toMatchObject({ requests: 5, compared: 5, matched: 5, parity: 100 });
    // Two original processes: the list grew the same in each, and pid differed between them, so it is noise.
    const items = report.routes.find((r) => r.route === 'GET /items')!;
    expect(items.noiseFields).toContain('/body/pid');
    expect(Number.isFinite(report.totals.qpsRatio)).toBe(true);
    // Next to req/s, each server's CPU per request (Linux /proc): the figure that holds on a shared machine.
    if (process.platform === 'linux') expect(run.stderr + run.stdout).toMatch(/server CPU per request: original [\d.]+ µs, migrated [\d.]+ µs/);
    expect(run.stdout).toMatch(/migrate: READY: parity 100%, QPS ratio [\d.]+x/);
    expect(run.stdout).toContain(`HTML report:  ${join(work, 'steady-out', '.expressway', 'migrate-report.html')}`);
    expect(existsSync(join(work, 'steady-out', '.expressway', 'migrate-report.html'))).toBe(true);
  }, 60_000);

  it('exits 1 and names the difference when the copy answers differently', async () => {
    const app = plainApp('leaky', true);
    const json = join(work, 'leaky.json');
    const run = await cli(['migrate', app, '--out', join(work, 'leaky-out'), '--no-bench', '--json', json]);
    expect(run.code).toBe(1);
    const report = readReport(json);
    expect(report.outcome).toBe('fail');
    expect(report.differences.map((d) => d.path)).toEqual(['/body/dir']);
    expect(report.routes.find((r) => r.route === 'GET /where')!.verdict).toBe('not ready');
    expect(report.totals.qpsRatio).toBeUndefined();
    expect(run.stdout).toMatch(/migrate: NOT READY: parity 80%/);
  }, 60_000);

  it('exits 2 on bad usage and unusable input, before copying anything', async () => {
    const missing = await cli(['migrate', join(work, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('EXW_ERR_MIGRATE_APP_DIR');
    const flags = await cli(['migrate', join(root, 'fixtures', 'minimal'), '--out', join(work, 'never'), '--no-bench', '--min-qps-ratio', '3']);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('needs the bench');
    const taken = join(work, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'x'), '');
    const exists = await cli(['migrate', join(root, 'fixtures', 'minimal'), '--out', taken]);
    expect(exists.code).toBe(2);
    expect(exists.stderr).toContain('EXW_ERR_MIGRATE_OUT_EXISTS');
    expect(existsSync(join(work, 'never'))).toBe(false);
  }, 30_000);
});

const FIXTURES = readdirSync(join(root, 'fixtures')).filter((name) => existsSync(join(root, 'fixtures', name, 'package.json')));

/**
 * Fixtures whose migrated copy does not reach 100% parity yet, and why (the
 * migrated copy's log, `<out>/.expressway/logs/candidate/candidate.log`).
 * These are codemod gaps, not migrate's.
 */
const KNOWN_FAILING: Record<string, string> = {};

interface FixtureRun {
  run: CliRun;
  report: Report | undefined;
}

/** Two at a time: the runs wait on process starts and codemod workers as much as on CPU. */
async function migrateAll(names: string[], parallel: number): Promise<Map<string, FixtureRun>> {
  const results = new Map<string, FixtureRun>();
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const json = join(work, `${name}.json`);
      const run = await cli(['migrate', join('fixtures', name), '--out', join(work, name), '--bench-duration', '0.5', '--bench-rounds', '1', '--json', json]);
      results.set(name, { run, report: existsSync(json) ? readReport(json) : undefined });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

describe('expressway migrate on every fixture (acceptance)', () => {
  let runs: Map<string, FixtureRun>;
  beforeAll(async () => {
    runs = await migrateAll(FIXTURES, 2);
  }, 180_000);

  it('finds the fixtures', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of FIXTURES) {
    // A fixture the codemods cannot migrate yet is expected to fail, for the reason named in KNOWN_FAILING;
    // once it passes, it.fails turns red: take it off the list.
    const test = name in KNOWN_FAILING ? it.fails : it;
    const why = KNOWN_FAILING[name];
    test(`${name}: 100% parity, and the bench reports a finite QPS ratio${why ? ` (known failing: ${why})` : ''}`, () => {
      const { run, report } = runs.get(name)!;
      const why = report
        ? [...report.failures, ...report.differences.slice(0, 5).map((d) => `${d.route} ${d.path}: ${JSON.stringify(d.primary)} -> ${JSON.stringify(d.candidate)}`)]
        : run.stderr.split('\n').filter((l) => !/^\s+at /.test(l)).slice(-8);
      expect({ code: run.code, why }).toEqual({ code: 0, why: [] });
      expect(report!.totals.parity).toBe(100);
      expect(report!.totals.compared).toBeGreaterThan(0);
      expect(Number.isFinite(report!.totals.qpsRatio)).toBe(true);
    });
  }
});
