import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The command as the CLI registers it, in a child process.
const HARNESS = `
const { Command } = await import('commander');
const { registerBench } = await import('./cli/commands/bench.ts');
const program = new Command('expressway').exitOverride();
registerBench(program);
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  process.stderr.write('expressway: ' + err.message + '\\n');
  process.exitCode = err.exitCode ?? 1;
}
`;

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HARNESS, 'bench', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const servers: http.Server[] = [];
let dir = '';
let a = '';
let b = '';

async function serve(): Promise<string> {
  const server = http.createServer((req, res) => res.end(JSON.stringify({ url: req.url })));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exw-bench-cli-'));
  a = await serve();
  b = await serve();
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const line = (id: string, method: string, url: string) => JSON.stringify({ v: 1, id, ts: '2026-11-23T10:00:00.000Z', request: { method, url, headers: {} } });

describe('expressway bench (spawned)', () => {
  it('prints the per-route table and writes JSON', async () => {
    const traffic = join(dir, 'traffic.ndjson');
    await writeFile(traffic, [line('1', 'GET', '/users/1'), line('2', 'GET', '/users/2'), line('3', 'GET', '/health'), line('4', 'DELETE', '/users/1')].join('\n'));
    const json = join(dir, 'bench.json');
    const run = await cli(['--baseline', a, '--candidate', b, '--traffic', traffic, '--duration', '1', '--rounds', '1', '--connections', '2', '--json', json]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('GET /users/{id}');
    expect(run.stdout).toContain('all routes');
    expect(run.stderr).toContain('1 write request(s) left out');
    const result = JSON.parse(await readFile(json, 'utf8'));
    expect(result.perRoute.map((r: { route: string }) => r.route).sort()).toEqual(['GET /health', 'GET /users/{id}']);
    expect(Number.isFinite(result.ratio)).toBe(true);
  });

  it('exits 2 for unusable input', async () => {
    const empty = join(dir, 'writes.ndjson');
    await writeFile(empty, line('1', 'POST', '/x'));
    const noRequests = await cli(['--baseline', a, '--candidate', b, '--traffic', empty, '--duration', '1']);
    expect(noRequests.status).toBe(2);
    expect(noRequests.stderr).toContain('holds none usable');
    const badUrl = await cli(['--baseline', 'nope', '--candidate', b, '--traffic', join(dir, 'traffic.ndjson'), '--duration', '1']);
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toContain('EXW_ERR_BENCH_TARGET');
  });
});
