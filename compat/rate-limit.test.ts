/**
 * rateLimited(limitRequests(rateLimit, options)) side by side with the real
 * express-rate-limit on real Express: the same status, body and raw header
 * lines (names as spelled, values, order; Date and ETag aside, reset
 * seconds within one second of each other) for every request across the
 * limit, for each option set.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import express from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Server, type Handler } from 'expressway/runtime';
import { limitRequests, mountExpress, rateLimited } from 'expressway/compat';
import { serve } from './__testfixtures__/serve.js';

type Answer = { status: number; lines: string[]; resets: number[]; body: string };
type Options = Parameters<typeof rateLimit>[0] & Record<string, unknown>;

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Headers whose value counts seconds to the reset: compared within a second, masked in the lines. */
const RESET = /^(retry-after|ratelimit-reset|x-ratelimit-reset)$/i;

async function request(base: string, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const lines: string[] = [];
        const resets: number[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          let value = res.rawHeaders[i + 1]!;
          if (/^(date|etag|connection|keep-alive)$/i.test(name)) continue;
          if (RESET.test(name)) {
            resets.push(Number(value));
            value = '#';
          } else if (/^ratelimit$/i.test(name)) {
            value = value.replace(/\b(reset|t)=(\d+)/, (_m, p: string, n: string) => { resets.push(Number(n)); return `${p}=#`; });
          }
          // The runtime spells the headers it writes itself in lower case (everywhere, not only here).
          lines.push(`${/^content-(type|length)$/i.test(name) ? name.toLowerCase() : name}: ${value}`);
        }
        resolve({ status: res.statusCode ?? 0, lines, resets, body: Buffer.concat(chunks).toString() });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the limiter put on the request, but the reset time (milliseconds apart between the two servers). */
function infoOf(req: any): unknown {
  const info = req.rateLimit ?? req.quota;
  return info === undefined ? null : { limit: info.limit, used: info.used, remaining: info.remaining, current: info.current };
}

function expressRoutes(app: express.Express | express.Router): void {
  app.get('/ok', (req, res) => { res.json({ ok: true, info: infoOf(req) }); });
  app.get('/fail', (_req, res) => { res.status(500).json({ failed: true }); });
}

function runtimeRoutes(server: Server<any>): void {
  server.get('/ok', (ctx) => ctx.json({ ok: true, info: infoOf(ctx.req) }));
  server.get('/fail', (ctx) => ctx.json({ failed: true }, 500));
}

async function listenExpress(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => new Promise((resolve) => { server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The original: Express with the limiter first. */
async function expressApp(options: Options, trustProxy?: number): Promise<string> {
  const app = express();
  app.disable('x-powered-by');
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  app.use(rateLimit(options));
  expressRoutes(app);
  return listenExpress(app);
}

async function runtimeApp(handler: Handler<any>, trustProxy?: number): Promise<string> {
  const server = new Server({ logErrors: false, trustProxy });
  server.requestMiddleware(handler);
  runtimeRoutes(server);
  const served = await serve(server);
  closers.push(served.close);
  return served.url;
}

/** The same requests, one after the other, on both; every answer compared. */
async function sameAnswers(options: () => Options, paths: string[], headers?: Record<string, string>): Promise<Answer[]> {
  const a = await expressApp(options());
  const fellBack: string[] = [];
  const b = await runtimeApp(rateLimited(limitRequests(rateLimit as any, options(), MemoryStore as any), { logger: (m) => fellBack.push(m) }));
  // The counterpart itself answers, not fromExpress.
  expect(fellBack).toEqual([]);
  const answers: Answer[] = [];
  for (const path of paths) {
    const expected = await request(a, path, { headers });
    const actual = await request(b, path, { headers });
    expect({ path, status: actual.status, lines: actual.lines, body: actual.body }).toEqual({ path, status: expected.status, lines: expected.lines, body: expected.body });
    expect(actual.resets.length).toBe(expected.resets.length);
    actual.resets.forEach((r, i) => expect(Math.abs(r - expected.resets[i]!)).toBeLessThanOrEqual(1));
    answers.push(actual);
  }
  return answers;
}

const FOUR_OK = ['/ok', '/ok', '/ok', '/ok', '/ok'];

describe('rateLimited: the same answers as express-rate-limit on Express', () => {
  const SETS: Array<[string, () => Options]> = [
    ['draft-7, no legacy headers, an object message (middleware-stack)', () => ({ windowMs: 900_000, limit: 3, standardHeaders: 'draft-7', legacyHeaders: false, message: { error: 'too many requests, slow down' } })],
    ['draft-6 (standardHeaders: true) with legacy headers and the default message', () => ({ windowMs: 60_000, limit: 3, standardHeaders: true })],
    ['draft-8 with the default identifier', () => ({ windowMs: 3_600_000, limit: 3, standardHeaders: 'draft-8', legacyHeaders: false })],
    ['draft-8 with a named quota and legacy headers', () => ({ windowMs: 30_000, limit: 2, standardHeaders: 'draft-8', identifier: 'api', message: 'slow' })],
    ['legacy headers only, max, statusCode 503, a string message', () => ({ windowMs: 120_000, max: 2, statusCode: 503, message: '<b>busy</b>' })],
    ['no headers at all', () => ({ windowMs: 60_000, limit: 2, legacyHeaders: false })],
    ['a limit function and a message function reading Express\'s req', () => ({ windowMs: 60_000, limit: (req: any) => (req.get('x-plan') === 'gold' ? 4 : 2), standardHeaders: 'draft-7', message: (req: any) => ({ error: `slow down ${req.method} ${req.path}`, limit: req.rateLimit.limit }) })],
    ['an async message function returning text', () => ({ windowMs: 60_000, limit: 1, message: async (req: any, res: any) => `wait, ${req.ip} (${res.statusCode})` })],
    ['a Buffer message (written by Express\'s res.send)', () => ({ windowMs: 60_000, limit: 1, message: Buffer.from('stop') })],
    ['requestPropertyName', () => ({ windowMs: 60_000, limit: 2, requestPropertyName: 'quota', standardHeaders: 'draft-6', legacyHeaders: false })],
  ];
  for (const [name, options] of SETS) {
    it(name, async () => {
      const answers = await sameAnswers(options, FOUR_OK);
      expect(answers.at(-1)!.status).not.toBe(200);
    });
  }

  it('a limit function sees request headers (gold plan gets more)', async () => {
    const answers = await sameAnswers(() => SETS[6]![1](), FOUR_OK, { 'x-plan': 'gold' });
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429]);
  });

  it('a skip function: skipped requests are not counted and get no headers', async () => {
    const options = (): Options => ({ windowMs: 60_000, limit: 1, standardHeaders: 'draft-7', skip: (req: any) => req.query.free === '1' });
    const answers = await sameAnswers(options, ['/ok?free=1', '/ok', '/ok?free=1', '/ok']);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
  });

  it('skipFailedRequests: failed answers give their hit back', async () => {
    const options = (): Options => ({ windowMs: 60_000, limit: 2, standardHeaders: 'draft-7', legacyHeaders: false, skipFailedRequests: true });
    const answers = await sameAnswers(options, ['/fail', '/fail', '/ok', '/fail', '/ok', '/ok']);
    expect(answers.map((a) => a.status)).toEqual([500, 500, 200, 500, 200, 429]);
  });

  it('skipSuccessfulRequests with a custom requestWasSuccessful', async () => {
    const options = (): Options => ({ windowMs: 60_000, limit: 2, standardHeaders: 'draft-7', skipSuccessfulRequests: true, requestWasSuccessful: (_req: any, res: any) => res.statusCode < 500 });
    const answers = await sameAnswers(options, ['/ok', '/ok', '/ok', '/fail', '/fail', '/fail', '/ok']);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 500, 500, 429, 429]);
  });

  it('an async store (its own class) and a custom keyGenerator', async () => {
    class SlowStore {
      hits = new Map<string, number>();
      localKeys = true;
      async increment(key: string) {
        await new Promise((resolve) => setImmediate(resolve));
        const totalHits = (this.hits.get(key) ?? 0) + 1;
        this.hits.set(key, totalHits);
        return { totalHits, resetTime: new Date(Date.now() + 30_000) };
      }
      async decrement(key: string) { this.hits.set(key, (this.hits.get(key) ?? 1) - 1); }
      async resetKey(key: string) { this.hits.delete(key); }
    }
    const options = (): Options => ({ windowMs: 30_000, limit: 2, standardHeaders: 'draft-8', store: new SlowStore() as any, keyGenerator: (req: any) => req.get('x-user') ?? 'anon' });
    const answers = await sameAnswers(options, FOUR_OK, { 'x-user': 'ada' });
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429, 429]);
  });

  it('two draft-8 limiters append their quotas to one pair of headers, in order', async () => {
    const first = (): Options => ({ windowMs: 60_000, limit: 3, standardHeaders: 'draft-8', legacyHeaders: false, identifier: 'burst' });
    const second = (): Options => ({ windowMs: 3_600_000, limit: 2, standardHeaders: 'draft-8', legacyHeaders: false });
    const app = express();
    app.disable('x-powered-by');
    app.use(rateLimit(first()), rateLimit(second()));
    expressRoutes(app);
    const a = await listenExpress(app);
    const server = new Server({ logErrors: false });
    server.requestMiddleware(rateLimited(limitRequests(rateLimit as any, first(), MemoryStore as any)));
    server.requestMiddleware(rateLimited(limitRequests(rateLimit as any, second(), MemoryStore as any)));
    runtimeRoutes(server);
    const served = await serve(server);
    closers.push(served.close);
    for (let i = 0; i < 4; i++) {
      const expected = await request(a, '/ok');
      const actual = await request(served.url, '/ok');
      expect([actual.status, actual.lines, actual.body]).toEqual([expected.status, expected.lines, expected.body]);
      // The fourth is over the first limiter's budget: the second never runs.
      expect(actual.lines.filter((l) => l.startsWith('RateLimit-Policy:'))).toHaveLength(i < 3 ? 2 : 1);
    }
  });

  it('a HEAD over the limit', async () => {
    const options = (): Options => ({ windowMs: 60_000, limit: 1, standardHeaders: 'draft-7', message: { error: 'slow' } });
    const a = await expressApp(options());
    const b = await runtimeApp(rateLimited(limitRequests(rateLimit as any, options(), MemoryStore as any)));
    for (let i = 0; i < 3; i++) {
      const expected = await request(a, '/ok', { method: 'HEAD' });
      const actual = await request(b, '/ok', { method: 'HEAD' });
      expect([actual.status, actual.lines, actual.body]).toEqual([expected.status, expected.lines, expected.body]);
    }
  });
});

describe('rateLimited: one store for both paths', () => {
  it('requests counted natively and on a legacy Express app share the count', async () => {
    const limiter = limitRequests(rateLimit as any, { windowMs: 60_000, limit: 3, standardHeaders: 'draft-7', legacyHeaders: false }, MemoryStore as any);
    const legacy = express();
    legacy.disable('x-powered-by');
    legacy.use('/old', limiter);
    legacy.get('/old', (_req, res) => { res.json({ old: true }); });
    const server = new Server({ logErrors: false });
    server.requestMiddleware('/new', rateLimited(limiter, { path: '/new' }));
    server.get('/new', (ctx) => ctx.json({ new: true }));
    server.get('/free', (ctx) => ctx.json({ free: true }));
    server.requestMiddleware(mountExpress(legacy));
    const served = await serve(server);
    closers.push(served.close);
    const seen: string[] = [];
    for (const path of ['/new', '/old', '/free', '/new', '/old']) {
      const answer = await request(served.url, path);
      seen.push(`${answer.status} ${answer.lines.find((l) => l.startsWith('RateLimit:')) ?? '-'}`);
    }
    expect(seen).toEqual([
      '200 RateLimit: limit=3, remaining=2, reset=#',
      '200 RateLimit: limit=3, remaining=1, reset=#',
      '200 -',
      '200 RateLimit: limit=3, remaining=0, reset=#',
      '429 RateLimit: limit=3, remaining=0, reset=#',
    ]);
  });

  it('limitRequests finds MemoryStore on the CommonJS export by itself', async () => {
    const cjs = createRequire(import.meta.url)('express-rate-limit');
    const limiter = limitRequests(cjs, { windowMs: 60_000, limit: 1, legacyHeaders: false, standardHeaders: 'draft-7' });
    const base = await runtimeApp(rateLimited(limiter));
    expect((await request(base, '/ok')).status).toBe(200);
    expect((await request(base, '/ok')).status).toBe(429);
    // The real middleware kept its store API, on the shared store.
    await (limiter as any).resetKey('127.0.0.1');
    expect((await request(base, '/ok')).status).toBe(200);
  });
});

describe('rateLimited: trust proxy and X-Forwarded-For', () => {
  it('keys on the trusted forwarded address, as Express does with the same trust proxy', async () => {
    const options = (): Options => ({ windowMs: 60_000, limit: 1, standardHeaders: 'draft-7', legacyHeaders: false });
    const a = await expressApp(options(), 1);
    const b = await runtimeApp(rateLimited(limitRequests(rateLimit as any, options(), MemoryStore as any)), 1);
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.3']) {
      const headers = { 'x-forwarded-for': ip };
      const expected = await request(a, '/ok', { headers });
      const actual = await request(b, '/ok', { headers });
      expect([ip, actual.status, actual.lines, actual.body]).toEqual([ip, expected.status, expected.lines, expected.body]);
    }
  });

  it('warns once, as the library does, when X-Forwarded-For comes without trust proxy', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const options = (): Options => ({ windowMs: 60_000, limit: 5 });
    const a = await expressApp(options());
    for (let i = 0; i < 2; i++) await request(a, '/ok', { headers: { 'x-forwarded-for': '10.0.0.9' } });
    const expressCodes = errors.mock.calls.map((c) => (c[0] as { code?: string }).code);
    errors.mockClear();
    const b = await runtimeApp(rateLimited(limitRequests(rateLimit as any, options(), MemoryStore as any)));
    for (let i = 0; i < 2; i++) await request(b, '/ok', { headers: { 'x-forwarded-for': '10.0.0.9' } });
    const ours = errors.mock.calls.map((c) => [(c[0] as { code?: string }).code, (c[0] as Error).message]);
    expect(expressCodes).toEqual(['ERR_ERL_UNEXPECTED_X_FORWARDED_FOR']);
    expect(ours.map((o) => o[0])).toEqual(expressCodes);
    expect(ours[0]![1]).toContain("The 'X-Forwarded-For' header is set but the Express 'trust proxy' setting is false (default).");
  });
});

describe('rateLimited: the way back', () => {
  it('a custom handler keeps fromExpress, with the reason, and the same answers', async () => {
    const logged: string[] = [];
    const options = (): Options => ({ windowMs: 60_000, limit: 1, handler: (_req: any, res: any) => { res.status(418).send('teapot'); } });
    const handler = rateLimited(limitRequests(rateLimit as any, options(), MemoryStore as any), { logger: (m) => logged.push(m) });
    expect(logged.join('\n')).toContain('a custom handler');
    const a = await expressApp(options());
    const b = await runtimeApp(handler);
    for (let i = 0; i < 2; i++) {
      const expected = await request(a, '/ok');
      const actual = await request(b, '/ok');
      expect([actual.status, actual.lines, actual.body]).toEqual([expected.status, expected.lines, expected.body]);
    }
  });

  it('a plain rateLimit() middleware runs through fromExpress', async () => {
    const logged: string[] = [];
    const handler = rateLimited(rateLimit({ limit: 1 }), { logger: (m) => logged.push(m) });
    expect(logged.join('\n')).toContain('not made by limitRequests');
    const base = await runtimeApp(handler);
    expect((await request(base, '/ok')).status).toBe(200);
    expect((await request(base, '/ok')).status).toBe(429);
  });

  it('option functions under a mount path keep fromExpress (they would see the url unstripped)', () => {
    const logged: string[] = [];
    rateLimited(limitRequests(rateLimit as any, { skip: (req: any) => req.path === '/health' }, MemoryStore as any), { path: '/api', logger: (m) => logged.push(m) });
    expect(logged.join('\n')).toContain('option functions under the mount path /api');
  });

  it('a mount path: only requests below it are counted', async () => {
    const options = (): Options => ({ windowMs: 60_000, limit: 1, standardHeaders: 'draft-7', legacyHeaders: false });
    const app = express();
    app.disable('x-powered-by');
    app.use('/api', rateLimit(options()));
    app.get('/api/ok', (_req, res) => { res.json({ ok: 1 }); });
    app.get('/apix', (_req, res) => { res.json({ ok: 2 }); });
    const a = await listenExpress(app);
    const server = new Server({ logErrors: false });
    server.requestMiddleware('/api', rateLimited(limitRequests(rateLimit as any, options(), MemoryStore as any), { path: '/api' }));
    server.get('/api/ok', (ctx) => ctx.json({ ok: 1 }));
    server.get('/apix', (ctx) => ctx.json({ ok: 2 }));
    const served = await serve(server);
    closers.push(served.close);
    for (const path of ['/apix', '/API/ok', '/apix', '/api/ok']) {
      const expected = await request(a, path);
      const actual = await request(served.url, path);
      expect([path, actual.status, actual.lines, actual.body]).toEqual([path, expected.status, expected.lines, expected.body]);
    }
  });
});
