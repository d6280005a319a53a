/**
 * `expressway record` and `expressway verify` as a user runs them: the built
 * CLI (`npm test` builds first) in a child process, real apps as targets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist/cli/main.js');
const APP = join(root, 'verify/__testfixtures__/pair-app.mjs');
const dir = mkdtempSync(join(tmpdir(), 'exw-cli-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function traffic(name: string, urls: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, urls.map((url, i) => JSON.stringify({ v: 1, id: `r${i}`, ts: '2026-01-01T00:00:00Z', request: { method: 'GET', url, headers: {} } })).join('\n') + '\n');
  return file;
}

const base = `node ${APP} baseline`;
const cand = `node ${APP} candidate`;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

describe('expressway verify exit codes', () => {
  it('0 when the candidate matches (noise ignored), with a JSON report', async () => {
    const t = traffic('ok.ndjson', ['/same', '/noise', '/slow', '/noise?x=1']);
    const r = await run(['verify', '--baseline', base, '--candidate', base, '--traffic', t, '--out', 'ok', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'ok/report.json'), 'utf8'));
    expect(report).toMatchObject({ version: 1, outcome: 'pass', totals: { compared: 4, parity: 100 } });
    expect(existsSync(join(dir, 'ok/baseline.log'))).toBe(true);
  });

  it('--secondary starts a second baseline instance for the A/A replay, with its own log', async () => {
    const t = traffic('secondary.ndjson', ['/same', '/noise', '/users/3', '/items']);
    const r = await run(['verify', '--baseline', base, '--secondary', base, '--secondary-delay', '2', '--candidate', base, '--traffic', t, '--out', 'sec', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'sec/report.json'), 'utf8'));
    expect(report).toMatchObject({ outcome: 'pass', secondary: { target: base }, totals: { compared: 4, parity: 100 } });
    expect(existsSync(join(dir, 'sec/secondary.log'))).toBe(true);
    const bad = await run(['verify', '--baseline', base, '--candidate', base, '--secondary-delay', '-1', '--traffic', t, '--out', 'sec', '--quiet']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--secondary-delay must be a number >= 0');
  });

  it('1 when parity is below --min-parity, 0 when the threshold allows it', async () => {
    const t = traffic('diff.ndjson', ['/users/1', '/same', '/same', '/same']);
    const strict = await run(['verify', '--baseline', base, '--candidate', cand, '--traffic', t, '--out', 'diff', '--json', 'diff.json']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('/body/email');
    expect(JSON.parse(readFileSync(join(dir, 'diff.json'), 'utf8')).totals.parity).toBe(75);
    const loose = await run(['verify', '--baseline', base, '--candidate', cand, '--traffic', t, '--out', 'diff', '--min-parity', '70', '--quiet']);
    expect(loose.code).toBe(0);
  });

  it('2 when a target cannot start', async () => {
    const t = traffic('dead.ndjson', ['/same']);
    const r = await run(['verify', '--baseline', base, '--candidate', 'http://127.0.0.1:9', '--traffic', t, '--out', 'dead', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('candidate target could not start');
  });

  it('2 for unusable input: malformed traffic under --strict, missing file, bad flag', async () => {
    const t = join(dir, 'bad.ndjson');
    writeFileSync(t, '{"v":1,"id":"a","ts":"x","request":{"method":"GET","url":"/same","headers":{}}}\n{oops\n');
    const lenient = await run(['verify', '--baseline', base, '--candidate', base, '--traffic', t, '--out', 'bad', '--quiet']);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain('line 2');
    const strict = await run(['verify', '--baseline', base, '--candidate', base, '--traffic', t, '--out', 'bad', '--quiet', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('line 2');
    const missing = await run(['verify', '--baseline', base, '--candidate', base, '--traffic', join(dir, 'nope.ndjson'), '--quiet']);
    expect(missing.code).toBe(2);
    const flag = await run(['verify', '--baseline', base, '--candidate', base, '--traffic', t, '--min-parity', 'lots']);
    expect(flag.code).toBe(2);
  });
});

describe('expressway record', () => {
  const upstream = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  beforeAll(() => new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r)));
  afterAll(() => new Promise((r) => upstream.close(r)));

  it('records through the proxy and closes cleanly on SIGTERM', async () => {
    const out = join(dir, 'rec.ndjson');
    const target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    let sent = false;
    const r = await run(['record', '--target', target, '--listen', '0', '--out', out], (stderr, child) => {
      const m = /record: (http:\/\/\S+) ->/.exec(stderr);
      if (!m || sent) return;
      sent = true;
      void (async () => {
        const res = await fetch(`${m[1]}/hello?x=1`, { headers: { authorization: 'Bearer abc' } });
        expect(await res.json()).toEqual({ path: '/hello?x=1' });
        child.kill('SIGTERM');
      })();
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 exchange(s) written');
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const x = JSON.parse(lines[0]!);
    expect(x).toMatchObject({ v: 1, request: { method: 'GET', url: '/hello?x=1', headers: { authorization: '[REDACTED]' } }, response: { status: 200 } });
  });

  it('exits 2 for a target that is not a URL', async () => {
    const r = await run(['record', '--target', 'localhost:3000', '--listen', '0', '--out', join(dir, 'x.ndjson')]);
    expect(r.code).toBe(2);
  });
});
