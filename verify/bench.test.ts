import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runBench } from './bench.js';
import { benchRequestsFromTraffic } from './bench-traffic.js';
import { renderBenchTable } from './bench-render.js';

const servers: http.Server[] = [];
const hits = { baseline: new Map<string, number>(), candidate: new Map<string, number>() };
let baseline = '';
let candidate = '';

async function serve(side: 'baseline' | 'candidate'): Promise<string> {
  const server = http.createServer((req, res) => {
    hits[side].set(`${req.method} ${req.url}`, (hits[side].get(`${req.method} ${req.url}`) ?? 0) + 1);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ side, url: req.url }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  baseline = await serve('baseline');
  candidate = await serve('candidate');
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('runBench', () => {
  it('measures both sides A, B, A, B with the route mix, per route, with finite ratios', async () => {
    const progress: string[] = [];
    const result = await runBench({
      baseline,
      candidate,
      requests: [
        { method: 'GET', path: '/users/1' },
        { method: 'GET', path: '/users/2' },
        { method: 'GET', path: '/health' },
        { method: 'get', path: '/users/3?x=1', headers: { accept: 'application/json' } },
      ],
      durationSeconds: 1,
      rounds: 2,
      connections: 2,
      onProgress: (m) => progress.push(m),
    });
    for (const side of [result.baseline, result.candidate]) {
      expect(side.rps).toBeGreaterThan(0);
      for (const p of [side.p50, side.p95, side.p99]) expect(Number.isFinite(p)).toBe(true);
      expect(side.p50).toBeLessThanOrEqual(side.p99);
    }
    expect(Number.isFinite(result.ratio)).toBe(true);
    expect(result.ratio).toBeGreaterThan(0);
    expect(result.perRoute.map((r) => r.route).sort()).toEqual(['GET /health', 'GET /users/{id}']);
    for (const r of result.perRoute) {
      expect(r.baseline.rps).toBeGreaterThan(0);
      expect(r.candidate.rps).toBeGreaterThan(0);
      expect(Number.isFinite(r.ratio)).toBe(true);
    }
    // Both servers really got the mix, A then B.
    expect(hits.baseline.get('GET /users/3?x=1')).toBeGreaterThan(0);
    expect(hits.candidate.get('GET /health')).toBeGreaterThan(0);
    expect(progress.map((m) => /: (\w+) \(/.exec(m)![1])).toEqual(['baseline', 'candidate', 'baseline', 'candidate', 'baseline', 'candidate']);
    expect(progress.slice(0, 2).every((m) => m.startsWith('warm-up'))).toBe(true);
    const table = renderBenchTable(result);
    expect(table).toContain('GET /users/{id}');
    expect(table).toContain('all routes');
  });

  it('rejects bad input with coded errors', async () => {
    const base = { baseline, candidate, requests: [{ method: 'GET', path: '/' }], durationSeconds: 1, rounds: 1, connections: 1 };
    await expect(runBench({ ...base, baseline: 'nope' })).rejects.toMatchObject({ code: 'EXW_ERR_BENCH_TARGET' });
    await expect(runBench({ ...base, requests: [] })).rejects.toMatchObject({ code: 'EXW_ERR_BENCH_NO_REQUESTS' });
    await expect(runBench({ ...base, rounds: 0 })).rejects.toMatchObject({ code: 'EXW_ERR_BENCH_OPTION' });
  });

  it('leaves HEAD out of the mix: autocannon would wait for a body that never comes and stall the connection', async () => {
    const result = await runBench({
      baseline,
      candidate,
      requests: [{ method: 'GET', path: '/h' }, { method: 'HEAD', path: '/h' }],
      durationSeconds: 1,
      rounds: 1,
      connections: 2,
    });
    expect(result.perRoute.map((r) => r.route)).toEqual(['GET /h']);
    // A stalled mix answers about one request per connection in the whole run.
    expect(hits.candidate.get('GET /h')).toBeGreaterThan(50);
    expect(hits.candidate.get('HEAD /h')).toBeUndefined();
    const base = { baseline, candidate, durationSeconds: 1, rounds: 1, connections: 1 };
    await expect(runBench({ ...base, requests: [{ method: 'HEAD', path: '/' }] })).rejects.toMatchObject({ code: 'EXW_ERR_BENCH_NO_REQUESTS' });
  });

  it('leaves exchanges that hold their connection open (event streams, upgrades) out of a traffic mix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-bench-'));
    const file = join(dir, 'traffic.ndjson');
    const line = (id: string, url: string, requestHeaders: Record<string, string>, responseType: string) =>
      JSON.stringify({ v: 1, id, ts: new Date().toISOString(), request: { method: 'GET', url, headers: requestHeaders }, response: { status: 200, headers: { 'Content-Type': responseType } } });
    await writeFile(file, [
      line('1', '/a', {}, 'application/json'),
      line('2', '/events', { accept: 'text/event-stream' }, 'text/event-stream; charset=utf-8'),
      line('3', '/ws', { Upgrade: 'websocket', Connection: 'Upgrade' }, 'text/plain'),
      line('4', '/b', {}, 'text/html'),
    ].join('\n') + '\n');
    const mix = await benchRequestsFromTraffic(file);
    expect(mix.requests.map((r) => r.path)).toEqual(['/a', '/b']);
  });

  it('reads the mix from a traffic file, safe methods only unless writes are allowed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-bench-'));
    const file = join(dir, 'traffic.ndjson');
    const line = (id: string, method: string, url: string) =>
      JSON.stringify({ v: 1, id, ts: new Date().toISOString(), request: { method, url, headers: { host: 'x', accept: '*/*' } } });
    await writeFile(file, [line('1', 'GET', '/a'), line('2', 'POST', '/b'), '{bad', line('3', 'GET', '/c')].join('\n') + '\n');
    const safe = await benchRequestsFromTraffic(file);
    expect(safe.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /a', 'GET /c']);
    expect(safe.requests[0]!.headers).toEqual({ accept: '*/*' });
    expect(safe.skippedWrites).toBe(1);
    expect(safe.malformed.map((m) => m.line)).toEqual([3]);
    const all = await benchRequestsFromTraffic(file, { allowWrites: true });
    expect(all.requests).toHaveLength(3);
  });
});
