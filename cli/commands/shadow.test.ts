import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The command as the CLI registers it, in a real child process (so a real SIGINT reaches it).
const HARNESS = `
const { Command } = await import('commander');
const { registerShadow } = await import('./cli/commands/shadow.ts');
const program = new Command('expressway').exitOverride();
registerShadow(program);
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  process.stderr.write('expressway: ' + err.message + '\\n');
  process.exitCode = err.exitCode ?? 1;
}
`;

const children: ChildProcess[] = [];
const servers: http.Server[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(body: string): Promise<string> {
  const server = http.createServer((_req, res) => res.end(body));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function run(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HARNESS, 'shadow', ...args], { cwd: root });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor<T>(get: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('expressway shadow (spawned)', () => {
  it('proxies, then writes the final report when it receives SIGINT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-shadow-cli-'));
    const reportFile = join(dir, 'report.json');
    const primary = await serve('same');
    const candidate = await serve('same');
    const proc = run(['--primary', primary, '--candidate', candidate, '--listen', '0', '--report', reportFile, '--quiet']);
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(proc.stdout())?.[1]);
    const answer = await fetch(`${url}/hello`);
    expect(await answer.text()).toBe('same');
    // Wait for the mirror to compare before stopping, through the stats endpoint.
    for (let i = 0; i < 200; i++) {
      const stats = (await (await fetch(`${url}/__expressway/stats`)).json()) as { mirror: { compared: number } };
      if (stats.mirror.compared === 1) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    const report = JSON.parse(await readFile(reportFile, 'utf8'));
    expect(report).toMatchObject({ tool: 'expressway', version: 1, outcome: 'pass', totals: { compared: 1, matched: 1 } });
    expect(proc.stderr()).toContain('report written to');
  });

  it('stops mirroring to a candidate that refuses connections and reports the circuit breaker at the end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-shadow-cli-'));
    const reportFile = join(dir, 'report.json');
    const primary = await serve('primary');
    // Port 1 on 127.0.0.1: nothing listens there, connections are refused.
    const proc = run(['--primary', primary, '--candidate', 'http://127.0.0.1:1', '--listen', '0', '--report', reportFile, '--quiet', '--breaker-failures', '2', '--breaker-cooldown', '600000']);
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(proc.stdout())?.[1]);
    for (let i = 0; i < 6; i++) expect(await (await fetch(`${url}/r/${i}`)).text()).toBe('primary');
    let stats: { mirror: { lost: number; breaker: { state: string } } } | undefined;
    for (let i = 0; i < 400 && stats?.mirror.lost !== 6; i++) {
      if (stats) await new Promise((r) => setTimeout(r, 25));
      stats = (await (await fetch(`${url}/__expressway/stats`)).json()) as typeof stats;
    }
    expect(stats!.mirror).toMatchObject({ lost: 6, breaker: { state: 'open' } });
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    expect(proc.stderr()).toMatch(/circuit breaker opened 1 time\(s\), \d+ mirror request\(s\) not sent/);
    const report = JSON.parse(await readFile(reportFile, 'utf8'));
    expect(report.targetErrors).toEqual([{ side: 'candidate', message: expect.stringContaining('circuit breaker opened 1 time(s)') }]);
  });

  it('exits 2 on a bad breaker flag', async () => {
    const proc = run(['--primary', 'http://127.0.0.1:1', '--candidate', 'http://127.0.0.1:1', '--listen', '0', '--breaker-failures', '-1']);
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('--breaker-failures expects a number between 0');
  });

  it('exits 2 with a clear message on a bad target', async () => {
    const proc = run(['--primary', 'not a url', '--candidate', 'http://127.0.0.1:1', '--listen', '0']);
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('EXW_ERR_SHADOW_TARGET');
  });
});
