/**
 * `secondary`: a second baseline instance answers the A/A replay (Diffy's
 * setup), and the secondary request leaves a few ms after the primary one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import http, { type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verify, TRAFFIC_VERSION, type Exchange, type Report } from 'expressway/verify';
// @ts-expect-error plain JS fixture
import { createApp } from './__testfixtures__/pair-app.mjs';

const APP = fileURLToPath(new URL('./__testfixtures__/pair-app.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'exw-secondary-'));
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Counts what each instance was sent, by method and path, and when. */
function counted(server: Server): { server: Server; seen: Array<{ method: string; url: string; at: number }> } {
  const seen: Array<{ method: string; url: string; at: number }> = [];
  server.prependListener('request', (req: http.IncomingMessage) => seen.push({ method: req.method!, url: req.url!, at: performance.now() }));
  return { server, seen };
}

function traffic(name: string, requests: Array<Exchange['request']>): string {
  const file = join(dir, name);
  const lines = requests.map((request, i) => JSON.stringify({ v: TRAFFIC_VERSION, id: `x${i}`, ts: new Date(0).toISOString(), request }));
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const get = (url: string): Exchange['request'] => ({ method: 'GET', url, headers: { accept: 'application/json' } });

function found(report: Report): string[] {
  return [...new Set(report.differences.map((d) => `${d.route} ${d.path} ${d.kind}`))].sort();
}

/** An instance that says which process answered: a per-instance value, like a boot id or a host name. */
function instanceApp(): Server {
  const instance = randomUUID();
  return http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, instance }));
  });
}

describe('verify --secondary', () => {
  it('replays the A/A side to a second instance: each write lands once per instance, and the real differences are found', async () => {
    const primary = counted(createApp('baseline'));
    const secondary = counted(createApp('baseline'));
    const [p, s, c] = await Promise.all([listen(primary.server), listen(secondary.server), listen(createApp('candidate'))]);
    const requests = [
      ...Array.from({ length: 12 }, (_, n) => get(`/users/${n + 1}`)),
      ...['/profile', '/gone', '/items', '/same', '/noise'].flatMap((path) => Array.from({ length: 6 }, (_, n) => get(`${path}?n=${n}`))),
      { method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body: '{"name":"new"}' },
    ];
    const r = await verify({ baseline: p, secondary: s, candidate: c, traffic: traffic('pair.ndjson', requests), allowWrites: true, outDir: dir, concurrency: 4 });
    expect(r.secondary).toEqual({ target: s });
    expect(found(r)).toEqual([
      'GET /gone /status status',
      'GET /items /body/items/3 extra',
      'GET /profile /headers/cache-control header-missing',
      'GET /users/{id} /body/email value',
    ]);
    for (const side of [primary, secondary]) {
      expect(side.seen).toHaveLength(requests.length);
      expect(side.seen.filter((x) => x.method === 'POST')).toHaveLength(1);
    }
  });

  it('learns a per-instance value as noise only with a second instance', async () => {
    const [one, two, candidate] = await Promise.all([listen(instanceApp()), listen(instanceApp()), listen(instanceApp())]);
    const t = traffic('instance.ndjson', Array.from({ length: 20 }, () => get('/whoami')));
    const sameInstance = await verify({ baseline: one, candidate, traffic: t, outDir: dir });
    expect(found(sameInstance)).toEqual(['GET /whoami /body/instance value']);
    expect(sameInstance.outcome).toBe('fail');
    const twoInstances = await verify({ baseline: one, secondary: two, candidate, traffic: t, outDir: dir });
    expect(twoInstances.differences).toEqual([]);
    expect(twoInstances.routes[0]).toMatchObject({ parity: 100, noiseFields: ['/body/instance'] });
    expect(twoInstances.outcome).toBe('pass');
  });

  it('sends the secondary request a few ms after the primary one, so a millisecond clock is noise', async () => {
    const clock = counted(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ at: Date.now() }));
      }),
    );
    // The candidate answers later, as another process would: its clock reads differently.
    const late = http.createServer((_req, res) =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ at: Date.now() }));
      }, 3),
    );
    const [baseline, candidate] = await Promise.all([listen(clock.server), listen(late)]);
    const r = await verify({ baseline, candidate, traffic: traffic('clock.ndjson', Array.from({ length: 10 }, () => get('/now'))), outDir: dir, concurrency: 1 });
    expect(r.differences).toEqual([]);
    expect(r.routes[0]).toMatchObject({ compared: 10, parity: 100, noiseFields: ['/body/at'] });
    // Both replays of each request went to the one baseline; sent together, they would mostly read the same millisecond.
    expect(clock.seen).toHaveLength(20);
  });

  it('starts a command secondary with its own PORT and log, and reports it when it dies mid-run', async () => {
    const out = join(dir, 'secondary-dies');
    const [baseline, candidate] = await Promise.all([listen(createApp('baseline')), listen(createApp('baseline'))]);
    const r = await verify({
      baseline,
      secondary: `node ${APP} baseline --die-after 10`,
      candidate,
      traffic: traffic('dies.ndjson', Array.from({ length: 40 }, () => get('/noise'))),
      outDir: out,
      concurrency: 2,
      timeoutMs: 5000,
    });
    expect(r.secondary?.target).toContain('--die-after 10');
    expect(r.targetErrors).toHaveLength(1);
    expect(r.targetErrors[0]).toMatchObject({ side: 'secondary', log: join(out, 'secondary.log') });
    expect(r.totals.compared).toBe(10);
    expect(r.totals.compared + r.totals.lost).toBe(40);
    expect(r.outcome).toBe('fail');
  });
});
