/**
 * fallThroughWithoutExpress (legacy-fall-through.ts) side by side with a
 * real Express 4 fall-through, and mountExpress using it.
 *
 * 1. The same request to a server where the legacy app itself runs
 *    (`app(req, res, next)`, the state recorded in `next`) and to one where
 *    the shortcut runs: the request and response must be left the same
 *    (query, baseUrl, originalUrl, params, prototypes, res.locals, headers),
 *    and the shortcut must decline (changing nothing) whenever something on
 *    the app can match: routes by path, case-sensitive and strict routing,
 *    regex routes, mounted routers, path-less middleware, error handlers.
 * 2. Through the runtime: mountExpress(finalHandler 'runtime') answers
 *    unmatched requests the same as when a pass-through middleware at the
 *    end of the legacy app forces the whole crossing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express5 from 'express5';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { fallThroughWithoutExpress } from './legacy-fall-through.js';

type App = ReturnType<typeof express>;

const servers: http.Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What a fall-through leaves on req/res, as JSON. */
function stateOf(app: App, req: any, res: ServerResponse, err?: unknown) {
  return {
    error: err === undefined ? null : String((err as Error).message ?? err),
    query: req.query === undefined ? '(none)' : req.query,
    baseUrl: Object.prototype.hasOwnProperty.call(req, 'baseUrl') ? ['own', req.baseUrl ?? '(undefined)'] : ['absent'],
    params: Object.prototype.hasOwnProperty.call(req, 'params') ? ['own', req.params ?? '(undefined)'] : ['absent'],
    originalUrl: req.originalUrl ?? '(none)',
    url: req.url,
    parsedPath: req._parsedUrl?.pathname ?? '(none)',
    reqProto: Object.getPrototypeOf(req) === app.request,
    resProto: Object.getPrototypeOf(res) === app.response,
    links: [req.res === res, (res as any).req === req],
    locals: (res as any).locals === undefined ? '(none)' : [Object.getPrototypeOf((res as any).locals) === null, { ...(res as any).locals }],
    headers: res.getHeaders(),
    route: req.route === undefined ? '(none)' : 'set',
  };
}

/** parseurl's memo (req._parsedUrl) is the one thing a declined shortcut leaves: Express's router sets it first thing itself. */
function withoutParseMemo(state: ReturnType<typeof stateOf>) {
  const { parsedPath: _memo, ...rest } = state;
  return rest;
}

function answer(res: ServerResponse, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.removeHeader('x-powered-by'); // recorded in the state already; kept off the wire so both answers compare
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(text);
}

/** Two servers for one app: Express's own fall-through, and the shortcut (or the reason it declined). */
async function pair(app: App): Promise<{ real: string; shortcut: string }> {
  const real = await listen((req, res) => {
    app(req as any, res as any, (err?: unknown) => answer(res, { state: stateOf(app, req, res, err) }));
  });
  const shortcut = await listen((req, res) => {
    const before = JSON.stringify(withoutParseMemo(stateOf(app, req, res)));
    let skipped: boolean;
    try {
      skipped = fallThroughWithoutExpress(app as any, req, res);
    } catch (err) {
      answer(res, { state: stateOf(app, req, res, err) });
      return;
    }
    if (skipped) answer(res, { state: stateOf(app, req, res) });
    else answer(res, { declined: true, unchanged: JSON.stringify(withoutParseMemo(stateOf(app, req, res))) === before });
  });
  return { real, shortcut };
}

async function getJson(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  const text = await res.text();
  return text === '' ? { status: res.status } : JSON.parse(text);
}

/** The request falls through Express, and the shortcut leaves the same state. */
async function expectSameFallThrough(p: { real: string; shortcut: string }, path: string, init?: RequestInit): Promise<void> {
  const real = await getJson(p.real + path, init);
  expect(real.state, `Express falls through ${path}`).toBeDefined();
  const shortcut = await getJson(p.shortcut + path, init);
  expect(shortcut, `shortcut on ${path}`).toEqual(real);
}

/** Something on the app can match: the shortcut declines and changes nothing. */
async function expectDeclined(p: { real: string; shortcut: string }, path: string, init?: RequestInit): Promise<void> {
  expect(await getJson(p.shortcut + path, init), `shortcut on ${path}`).toEqual({ declined: true, unchanged: true });
}

function blogApp(configure?: (app: App) => void): App {
  const app = express();
  configure?.(app);
  app.locals.siteName = 'Field Notes';
  app.param('postId', (req: any, _res, next) => {
    req.post = { id: req.params.postId };
    next();
  });
  app.get('/posts/:postId', (req: any, res) => res.json(req.post));
  app.post('/posts', (_req, res) => res.status(201).end());
  app.get(/^\/archive\/(\d{4})$/, (req, res) => res.json(req.params));
  const admin = express.Router();
  admin.get('/stats', (_req, res) => res.json({ ok: true }));
  app.use('/admin', admin);
  return app;
}

describe('fallThroughWithoutExpress next to Express 4 falling through', () => {
  let p: { real: string; shortcut: string };
  beforeAll(async () => {
    p = await pair(blogApp());
  });

  it('leaves the same state for paths nothing matches (query parsed, prototypes, locals, X-Powered-By)', async () => {
    for (const path of ['/missing', '/no/such/page?lang=de&tags[]=a&tags[]=b', '/postings', '/archive/26', '/administrator', '/%E0%A4%A']) {
      await expectSameFallThrough(p, path);
    }
  });

  it('declines when a route, a regex route or a mounted router can match, whatever the method', async () => {
    await expectDeclined(p, '/posts/1');
    await expectDeclined(p, '/POSTS/1/'); // case-insensitive, non-strict by default
    await expectDeclined(p, '/posts/1', { method: 'DELETE' }); // matches by path: Express may answer 405-style or OPTIONS
    await expectDeclined(p, '/posts/1', { method: 'OPTIONS' });
    await expectDeclined(p, '/posts'); // only a POST route there: declined all the same (the test is by path alone)
    await expectDeclined(p, '/archive/2026');
    await expectDeclined(p, '/admin/anything');
    await expectDeclined(p, '/posts/%E0%A4%A'); // Express would fail decoding the param: it must be the one to answer
  });
});

describe('routing settings are in the layer regexps', () => {
  it('case-sensitive and strict routing: what Express does not match falls through', async () => {
    const p = await pair(blogApp((app) => {
      app.set('case sensitive routing', true);
      app.set('strict routing', true);
    }));
    await expectSameFallThrough(p, '/POSTS/1');
    await expectSameFallThrough(p, '/posts/1/');
    await expectDeclined(p, '/posts/1');
  });

  it('a custom query parser runs as Express runs it; one that throws fails as Express next(err)s', async () => {
    const calls: string[] = [];
    const p = await pair(blogApp((app) => app.set('query parser', (q: string) => {
      calls.push(q);
      if (q.includes('boom')) throw new Error('bad query');
      return { raw: q };
    })));
    await expectSameFallThrough(p, '/missing?a=1');
    await expectSameFallThrough(p, '/missing?boom=1');
    expect(calls).toEqual(['a=1', 'a=1', 'boom=1', 'boom=1']);
  });

  it('x-powered-by disabled: no header on either side', async () => {
    const p = await pair(blogApp((app) => app.disable('x-powered-by')));
    await expectSameFallThrough(p, '/missing');
  });
});

describe('declines for what it cannot prove', () => {
  it('a path-less middleware or error handler (they match every path)', async () => {
    const withMiddleware = await pair(blogApp((app) => app.use((_req, _res, next) => next())));
    await expectDeclined(withMiddleware, '/missing');
    const withErrorHandler = blogApp();
    withErrorHandler.use((_err: unknown, _req: unknown, _res: unknown, next: (e?: unknown) => void) => next());
    await expectDeclined(await pair(withErrorHandler), '/missing');
  });

  it('a regex route with the g flag (testing it would move its lastIndex)', async () => {
    const app = blogApp();
    app.get(/^\/never-(\d+)$/g, (_req, res) => res.end());
    await expectDeclined(await pair(app), '/missing');
  });

  it('an Express 5 app', async () => {
    const app = express5();
    app.get('/posts/:id', (_req: unknown, res: any) => res.end());
    const url = await listen((req, res) => answer(res, { skipped: fallThroughWithoutExpress(app, req, res), headers: res.getHeaderNames() }));
    expect(await getJson(url + '/missing')).toEqual({ skipped: false, headers: [] });
  });

  it('an app without routes falls through at once and touches nothing, as app.handle', async () => {
    const app = express();
    const p = await pair(app);
    await expectSameFallThrough(p, '/missing?x=1');
  });
});

describe('mountExpress(finalHandler runtime) through the runtime', () => {
  let skipping: string;
  let crossing: string;

  /** The runtime's notFound shows what the legacy app left on the request. */
  function runtimeWith(app: App) {
    const server = new Server({ logErrors: false });
    server.requestMiddleware((ctx) => ctx.setHeader('x-request-id', 'r-1'));
    server.get('/migrated', (ctx) => ctx.text('runtime route'));
    server.requestMiddleware(mountExpress(app, { finalHandler: 'runtime' }));
    server.notFound((ctx) => {
      const req = ctx.req as any;
      ctx.json({ path: ctx.path, url: ctx.url, query: req.query ?? null, originalUrl: req.originalUrl ?? null, baseUrl: req.baseUrl ?? null, locals: ctx.res && (ctx.res as any).locals }, 404);
    });
    server.panicHook((ctx, err) => ctx.json({ panic: (err as Error).message }, 500));
    return server;
  }

  beforeAll(async () => {
    const a = await runtimeWith(blogApp()).listen({ port: 0, host: '127.0.0.1' });
    // A pass-through middleware at the end matches every path: the whole app is crossed as before the shortcut.
    const crossed = blogApp();
    crossed.use((_req, _res, next) => next());
    const b = await runtimeWith(crossed).listen({ port: 0, host: '127.0.0.1' });
    skipping = a.url;
    crossing = b.url;
    afterAll(async () => {
      await a.close({ timeout: 500 });
      await b.close({ timeout: 500 });
    });
  });

  async function exchange(base: string, path: string, init?: RequestInit) {
    const res = await fetch(base + path, init);
    const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== 'date'));
    return { status: res.status, headers, body: await res.text() };
  }

  it('answers unmatched requests, legacy routes and runtime routes the same', async () => {
    for (const [path, init] of [
      ['/missing', undefined],
      ['/missing?lang=de&tags[]=a', undefined],
      ['/no/such/page', { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
      ['/posts/7', undefined],
      ['/posts', { method: 'POST' }],
      ['/admin/stats', undefined],
      ['/migrated', undefined],
      ['/migrated', { method: 'DELETE' }],
    ] as Array<[string, RequestInit | undefined]>) {
      const want = await exchange(crossing, path, init);
      expect({ path, ...(await exchange(skipping, path, init)) }).toEqual({ path, ...want });
    }
    // The legacy routes still answer on the app the shortcut looks into.
    expect(await exchange(skipping, '/posts/7')).toMatchObject({ status: 200, body: '{"id":"7"}' });
    expect((await exchange(skipping, '/missing')).status).toBe(404);
  });
});
