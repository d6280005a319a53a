import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify, writeReports, TRAFFIC_VERSION, type Exchange, type Report } from 'expressway/verify';
// @ts-expect-error plain JS fixture
import { createApp } from './__testfixtures__/pair-app.mjs';

const APP = fileURLToPath(new URL('./__testfixtures__/pair-app.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'exw-verify-'));

function exchange(i: number, method: string, url: string, extra: Partial<Exchange['request']> = {}): Exchange {
  return { v: TRAFFIC_VERSION, id: `x${i}`, ts: new Date(0).toISOString(), request: { method, url, headers: { accept: 'application/json' }, ...extra } };
}

function writeTraffic(name: string, lines: Array<Exchange | string>): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

/** 10 requests on each route; 12 users so /users/{id} is inferred. */
function standardTraffic(): Exchange[] {
  const out: Exchange[] = [];
  let i = 0;
  for (let n = 1; n <= 12; n++) out.push(exchange(i++, 'GET', `/users/${n}`));
  for (const path of ['/profile', '/gone', '/items', '/slow', '/same', '/noise']) {
    for (let n = 0; n < 10; n++) out.push(exchange(i++, 'GET', `${path}?n=${n}`));
  }
  out.push(exchange(i++, 'POST', '/users', { body: '{"name":"new"}', headers: { 'content-type': 'application/json' } }));
  return out;
}

const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let baseline: string;
let candidate: string;
let sameAsBaseline: string;

beforeAll(async () => {
  baseline = await listen(createApp('baseline'));
  candidate = await listen(createApp('candidate'));
  sameAsBaseline = await listen(createApp('baseline'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

function found(report: Report): string[] {
  return [...new Set(report.differences.map((d) => `${d.route} ${d.path} ${d.kind}`))].sort();
}

describe('verify: app pairs with known differences', () => {
  let report: Report;

  beforeAll(async () => {
    report = await verify({ baseline, candidate, traffic: writeTraffic('std.ndjson', standardTraffic()), outDir: dir, concurrency: 8 });
  });

  it('finds exactly the real differences and none of the noise', () => {
    expect(found(report)).toEqual([
      'GET /gone /status status',
      'GET /items /body/items/3 extra',
      'GET /profile /headers/cache-control header-missing',
      'GET /users/{id} /body/email value',
    ]);
  });

  it('groups by route template and gives parity per route', () => {
    const byRoute = Object.fromEntries(report.routes.map((r) => [r.route, r]));
    expect(byRoute['GET /users/{id}']).toMatchObject({ samples: 12, compared: 12, matched: 0, parity: 0, verdict: 'not ready' });
    expect(byRoute['GET /slow']).toMatchObject({ samples: 10, compared: 10, matched: 10, parity: 100, verdict: 'ready' });
    expect(byRoute['GET /same']).toMatchObject({ compared: 10, matched: 10, verdict: 'ready' });
    expect(byRoute['GET /noise']).toMatchObject({ compared: 10, matched: 10, verdict: 'ready' });
    expect(byRoute['GET /noise']!.noiseFields).toEqual(['/body/requestId', '/body/ts']);
    expect(byRoute['GET /gone']).toMatchObject({ matched: 0, verdict: 'not ready' });
  });

  it('skips writes without --allow-writes and says so', () => {
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]).toMatchObject({ route: 'POST /users', reason: 'write-not-allowed' });
    expect(report.routes.find((r) => r.route === 'POST /users')).toMatchObject({ samples: 1, compared: 0, verdict: 'not covered' });
  });

  it('fails the run below the parity threshold and records values', () => {
    expect(report.outcome).toBe('fail');
    expect(report.totals).toMatchObject({ requests: 73, compared: 72, skipped: 1, lost: 0 });
    const email = report.differences.find((d) => d.path === '/body/email')!;
    expect(email.primary).toMatch(/@example\.com$/);
    expect(email.candidate).toMatch(/@example\.org$/);
    expect(report.version).toBe(1);
  });

  it('passes an identical pair, noise included', async () => {
    const same = await verify({ baseline, candidate: sameAsBaseline, traffic: writeTraffic('same.ndjson', standardTraffic()), outDir: dir });
    expect(same.differences).toEqual([]);
    expect(same.totals.parity).toBe(100);
    expect(same.outcome).toBe('pass');
  });

  it('replays writes with allowWrites', async () => {
    const r = await verify({ baseline, candidate: sameAsBaseline, traffic: writeTraffic('w.ndjson', standardTraffic()), allowWrites: true, outDir: dir });
    expect(r.routes.find((x) => x.route === 'POST /users')).toMatchObject({ compared: 1, matched: 1 });
  });

  it('applies a rules file and a routes file', async () => {
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ version: 1, rules: [{ route: 'GET /users/{id}', fields: ['email'] }, { route: '*', headers: ['cache-control'] }] }));
    const routes = join(dir, 'routes.txt');
    writeFileSync(routes, 'GET /users/:userId\n/profile\nGET /never-called\n');
    const r = await verify({ baseline, candidate, traffic: writeTraffic('r.ndjson', standardTraffic()), rules, routes, outDir: dir });
    expect(found(r)).toEqual(['GET /gone /status status', 'GET /items /body/items/3 extra']);
    const byRoute = Object.fromEntries(r.routes.map((x) => [x.route, x]));
    expect(byRoute['GET /users/{userId}']).toMatchObject({ samples: 12, matched: 12, verdict: 'ready' });
    expect(byRoute['GET /users/{userId}']!.noiseFields).toContain('/body/email');
    expect(byRoute['* /profile']).toMatchObject({ samples: 10, matched: 10 });
    expect(byRoute['GET /never-called']).toMatchObject({ samples: 0, verdict: 'not covered' });
  });

  it('writes the JSON, HTML and JUnit reports through the renderers', async () => {
    const files = { json: join(dir, 'out/r.json'), html: join(dir, 'out/r.html'), junit: join(dir, 'out/r.xml') };
    const { written } = await writeReports(report, files);
    expect(written).toEqual([files.json, files.html, files.junit]);
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(readFileSync(files.html, 'utf8')).toContain('user1@example.org');
    expect(readFileSync(files.junit, 'utf8')).toContain('GET /users/{id}');
  });

  it('folds the bench into the ledger and gates on the QPS ratio', async () => {
    const t = writeTraffic('bench.ndjson', standardTraffic().filter((x) => x.request.url.startsWith('/same') || x.request.url.startsWith('/noise')));
    const r = await verify({ baseline, candidate: sameAsBaseline, traffic: t, outDir: dir, bench: { durationSeconds: 1, rounds: 1, connections: 2 }, minQpsRatio: 1000 });
    expect(r.bench?.ratio).toBeGreaterThan(0);
    expect(r.totals.qpsRatio).toBe(r.bench!.ratio);
    for (const route of r.routes) expect(route.qpsRatio).toBeGreaterThan(0);
    // No service is a thousand times faster than its twin: the gate must trip.
    expect(r.routes.every((x) => x.verdict === 'not ready')).toBe(true);
    expect(r.outcome).toBe('fail');
    expect(r.failures.join()).toContain('QPS ratio');
  });

  it('counts a candidate timeout as a lost comparison and a candidate failure', async () => {
    const t = writeTraffic('hang.ndjson', [exchange(0, 'GET', '/hang'), exchange(1, 'GET', '/same')]);
    const r = await verify({ baseline, candidate, traffic: t, outDir: dir, timeoutMs: 300 });
    expect(r.lost).toEqual([expect.objectContaining({ route: 'GET /hang', reason: 'timeout', side: 'candidate' })]);
    expect(r.routes.find((x) => x.route === 'GET /hang')).toMatchObject({ samples: 1, compared: 0, lost: 1, candidateFailures: 1, verdict: 'not ready' });
    expect(r.routes.find((x) => x.route === 'GET /same')).toMatchObject({ compared: 1, matched: 1, verdict: 'ready' });
    expect(r.outcome).toBe('fail');
    expect(r.failures.join()).toContain('failed to answer 1 request');
  });

  it('redacts secrets in report values', async () => {
    const t = writeTraffic('secret.ndjson', [0, 1, 2].map((i) => exchange(i, 'GET', `/secret?token=abc${i}`)));
    const r = await verify({ baseline, candidate, traffic: t, outDir: dir });
    const d = r.differences.find((x) => x.path === '/body/token')!;
    expect(d).toBeDefined();
    expect(d.primary).toBe('[REDACTED]');
    expect(d.candidate).toBe('[REDACTED]');
    expect(JSON.stringify(r)).not.toContain('secret-token');
    expect(d.request.url).not.toContain('abc');
  });
});

describe('verify: compressed answers', () => {
  it('compares gzip and brotli bodies decompressed, so one noisy field does not hide a real change', async () => {
    const { gzipSync, brotliCompressSync } = await import('node:zlib');
    const { createServer } = await import('node:http');
    const app = (name: string) =>
      createServer((req, res) => {
        const body = Buffer.from(JSON.stringify({ name, ts: String(process.hrtime.bigint()) }));
        const br = req.url === '/br';
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': br ? 'br' : 'gzip' });
        res.end(br ? brotliCompressSync(body) : gzipSync(body));
      });
    const a = await listen(app('same'));
    const b = await listen(app('changed'));
    const lines = [0, 1, 2, 3].map((i) => exchange(i, 'GET', i % 2 ? '/br' : '/gz', { headers: { 'accept-encoding': 'gzip, br' } }));
    const r = await verify({ baseline: a, candidate: b, traffic: writeTraffic('gz.ndjson', lines), outDir: dir });
    expect(found(r)).toEqual(['GET /br /body/name value', 'GET /gz /body/name value']);
    expect(r.routes.every((x) => x.noiseFields.includes('/body/ts'))).toBe(true);
  });
});

describe('verify: traffic input', () => {
  it('reports a malformed line by number and goes on; --strict fails', async () => {
    const t = writeTraffic('bad.ndjson', [exchange(0, 'GET', '/same'), '{not json', exchange(2, 'GET', '/same'), '{"v":1,"id":"x","request":{"method":"GET"}}']);
    const r = await verify({ baseline, candidate: sameAsBaseline, traffic: t, outDir: dir });
    expect(r.trafficErrors.map((e) => e.line)).toEqual([2, 4]);
    expect(r.trafficErrors[0]!.message).toContain('line 2');
    expect(r.traffic.malformed).toBe(2);
    expect(r.totals.compared).toBe(2);
    await expect(verify({ baseline, candidate: sameAsBaseline, traffic: t, outDir: dir, strict: true })).rejects.toMatchObject({
      code: 'EXW_ERR_VERIFY_TRAFFIC_LINE',
      message: expect.stringContaining('line 2'),
    });
  });

  it('replays HAR and GoReplay files like NDJSON', async () => {
    const har = join(dir, 'in.har');
    const entries = ['/users/3', '/items', '/same'].map((u) => ({ request: { method: 'GET', url: `https://prod.example${u}`, headers: [{ name: 'Accept', value: '*/*' }] }, response: { status: 200, headers: [] } }));
    writeFileSync(har, JSON.stringify({ log: { version: '1.2', entries } }, null, 2));
    const fromHar = await verify({ baseline, candidate, traffic: har, outDir: dir });
    expect(fromHar.traffic.format).toBe('har');
    expect(found(fromHar)).toEqual(['GET /items /body/items/3 extra', 'GET /users/{id} /body/email value']);
    const gor = join(dir, 'in.gor');
    const sep = '\n🐵🙈🙉\n';
    writeFileSync(gor, ['/users/3', '/gone'].map((u, i) => `1 ${i}a ${1700000000000000000 + i}\nGET ${u} HTTP/1.1\r\nHost: x\r\n\r\n`).join(sep) + sep);
    const fromGor = await verify({ baseline, candidate, traffic: gor, outDir: dir });
    expect(fromGor.traffic.format).toBe('goreplay');
    expect(found(fromGor)).toEqual(['GET /gone /status status', 'GET /users/{id} /body/email value']);
  });

  it('rejects traffic with no usable exchange', async () => {
    const t = writeTraffic('empty.ndjson', ['{"nope":1}']);
    await expect(verify({ baseline, candidate, traffic: t, outDir: dir })).rejects.toMatchObject({ code: 'EXW_ERR_VERIFY_TRAFFIC_EMPTY' });
  });

  it('shards partition the traffic exactly', async () => {
    const t = writeTraffic('shard.ndjson', standardTraffic());
    const reports = await Promise.all([1, 2, 3].map((i) => verify({ baseline, candidate, traffic: t, shard: `${i}/3`, allowWrites: true, outDir: dir })));
    const counts = reports.map((r) => r.totals.requests);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(73);
    expect(counts.every((c) => c >= 24 && c <= 25)).toBe(true);
    expect(reports[1]!.shard).toEqual({ index: 2, count: 3 });
    // Route keys are learnt from the whole file, so shard ledgers line up and add up to the whole run.
    const whole = await verify({ baseline, candidate, traffic: t, allowWrites: true, outDir: dir });
    const summed = new Map<string, number>();
    for (const r of reports.flatMap((x) => x.routes)) summed.set(r.route, (summed.get(r.route) ?? 0) + r.samples);
    expect(Object.fromEntries(summed)).toEqual(Object.fromEntries(whole.routes.map((r) => [r.route, r.samples])));
    const ids = reports.flatMap((x) => x.differences.map((d) => d.request.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('verify: targets', () => {
  it('refuses a dead URL target with a start error', async () => {
    const t = writeTraffic('dead.ndjson', [exchange(0, 'GET', '/same')]);
    await expect(verify({ baseline, candidate: 'http://127.0.0.1:9', traffic: t, outDir: dir })).rejects.toMatchObject({
      code: 'EXW_ERR_VERIFY_TARGET_START',
    });
  });

  it('starts command targets with PORT, and reports one that dies mid-run without hanging', async () => {
    const lines: Exchange[] = [];
    for (let i = 0; i < 60; i++) lines.push(exchange(i, 'GET', '/noise'));
    const out = join(dir, 'dies');
    const r = await verify({
      baseline: `node ${APP} baseline`,
      candidate: `node ${APP} candidate --die-after 20`,
      traffic: writeTraffic('dies.ndjson', lines),
      outDir: out,
      concurrency: 4,
      timeoutMs: 5000,
    });
    expect(r.targetErrors).toHaveLength(1);
    expect(r.targetErrors[0]).toMatchObject({ side: 'candidate', log: join(out, 'candidate.log') });
    expect(r.targetErrors[0]!.message).toContain('exited during the run');
    expect(r.outcome).toBe('fail');
    expect(r.totals.requests).toBe(60);
    expect(r.totals.compared).toBeGreaterThan(0);
    expect(r.totals.compared + r.totals.lost).toBe(60);
    expect(r.lost.some((l) => l.reason === 'not-replayed')).toBe(true);
  });

  it('reports a URL target whose port stops answering mid-run', async () => {
    let served = 0;
    const dying = createApp('baseline');
    dying.on('request', () => {
      if (++served === 15) {
        dying.close();
        dying.closeAllConnections();
      }
    });
    const url = await listen(dying);
    const lines: Exchange[] = [];
    for (let i = 0; i < 50; i++) lines.push(exchange(i, 'GET', '/same'));
    const r = await verify({ baseline, candidate: url, traffic: writeTraffic('url-dies.ndjson', lines), outDir: dir, concurrency: 2, timeoutMs: 5000 });
    expect(r.targetErrors).toHaveLength(1);
    expect(r.targetErrors[0]!.message).toContain('stopped answering');
    expect(r.outcome).toBe('fail');
    expect(r.totals.compared + r.totals.lost).toBe(50);
    expect(r.lost.some((l) => l.reason === 'not-replayed')).toBe(true);
  });

  it('stops the replay and the command targets when the caller aborts', async () => {
    const lines: Exchange[] = [];
    for (let i = 0; i < 200; i++) lines.push(exchange(i, 'GET', '/same'));
    const cancel = new AbortController();
    const r = await verify({
      baseline: `node ${APP} baseline`,
      candidate: `node ${APP} baseline`,
      traffic: writeTraffic('cancel.ndjson', lines),
      outDir: join(dir, 'cancel'),
      concurrency: 2,
      signal: cancel.signal,
      onProgress: (p) => {
        if (p.phase === 'replaying' && p.done === 10) cancel.abort();
      },
    });
    expect(r.outcome).toBe('fail');
    expect(r.failures.join()).toContain('interrupted');
    expect(r.totals.compared).toBeGreaterThanOrEqual(10);
    expect(r.totals.compared).toBeLessThan(200);
    expect(r.totals.compared + r.totals.lost).toBe(200);
  });

  it('reports a command that exits before listening', async () => {
    const t = writeTraffic('noport.ndjson', [exchange(0, 'GET', '/same')]);
    await expect(
      verify({ baseline, candidate: `node -e "console.error('boom'); process.exit(4)"`, traffic: t, outDir: join(dir, 'noport') }),
    ).rejects.toMatchObject({ code: 'EXW_ERR_VERIFY_TARGET_START', message: expect.stringContaining('boom') });
  });
});
