/**
 * ctx.fallThrough() (fall-through.ts): a route hands its request on and it
 * continues as an unmatched request. Over real sockets, and side by side
 * with Express routes that call next().
 */
import { readFile } from 'node:fs/promises';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { Router, Server, isFallThrough, type Context } from './index.js';
import type { RunningServer } from './listen.js';
import { start } from './__testfixtures__/raw-http.js';

type Trail = { trail?: string[] };

const handles: RunningServer[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close({ timeout: 1_000 })));
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(server: Server<any>): Promise<string> {
  const handle = await start(server);
  handles.push(handle);
  return handle.url;
}

async function serveExpress(app: express.Express): Promise<string> {
  const httpServer = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => httpServer.once('listening', resolve));
  closers.push(() => new Promise((resolve) => httpServer.close(() => resolve())));
  const { port } = httpServer.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

const mark = (name: string) => (ctx: Context<Trail>) => {
  (ctx.state.trail ??= []).push(name);
};

/** A docs route that serves known names and hands the rest on, after an awaited read. */
async function docsRoute(ctx: Context<Trail, { name: string }>): Promise<void> {
  (ctx.state.trail ??= []).push('docs');
  ctx.setHeader('x-docs', 'tried');
  if (!/^[a-z]+$/.test(ctx.params.name)) ctx.fallThrough();
  const text = await readFile(new URL(`./__testfixtures__/${ctx.params.name}.txt`, import.meta.url), 'utf8').catch(() => null);
  if (text === null) ctx.fallThrough();
  ctx.text(text);
}

function runtimeApp(): Server<Trail> {
  const app = new Server<Trail>({ middlewareOrder: 'registration', logErrors: false });
  app.requestMiddleware(mark('first'));
  app.get('/docs/{name}', docsRoute);
  app.requestMiddleware(mark('after-docs'));
  app.requestMiddleware('/admin', mark('admin-scope'));
  app.responseMiddleware((ctx) => ctx.setHeader('x-response-mw', 'ran'));
  app.notFound((ctx) => {
    ctx.json({ route: 'not-found', trail: ctx.state.trail ?? [], pattern: ctx.routePattern, params: { ...ctx.params } }, 404);
  });
  return app;
}

function expressApp(): express.Express {
  type Req = express.Request & Trail;
  const emark = (name: string): express.RequestHandler => (req, _res, next) => {
    ((req as Req).trail ??= []).push(name);
    next();
  };
  const app = express();
  app.use((_req, res, next) => {
    res.setHeader('x-response-mw', 'ran'); // the runtime app's response middleware, on every answer
    next();
  });
  app.use(emark('first'));
  app.get('/docs/:name', async (req, res, next) => {
    ((req as Req).trail ??= []).push('docs');
    res.setHeader('x-docs', 'tried');
    if (!/^[a-z]+$/.test(req.params.name!)) return next();
    const text = await readFile(new URL(`./__testfixtures__/${req.params.name}.txt`, import.meta.url), 'utf8').catch(() => null);
    if (text === null) return next();
    res.type('text').send(text);
  });
  app.use(emark('after-docs'));
  app.use('/admin', emark('admin-scope'));
  app.use((req, res) => {
    res.status(404).json({ route: 'not-found', trail: (req as Req).trail ?? [], pattern: null, params: {} });
  });
  return app;
}

async function answer(url: string): Promise<{ status: number; body: unknown; docs: string | null; responseMw: string | null }> {
  const res = await fetch(url);
  const body = (res.headers.get('content-type') ?? '').includes('json') ? await res.json() : await res.text();
  return { status: res.status, body, docs: res.headers.get('x-docs'), responseMw: res.headers.get('x-response-mw') };
}

describe('ctx.fallThrough()', () => {
  it('continues as an unmatched request: later middleware once, then notFound, then response middleware (as Express next())', async () => {
    const [rt, ex] = await Promise.all([serve(runtimeApp()), serveExpress(expressApp())]);
    for (const path of ['/docs/BAD', '/docs/missing', '/docs/fall']) {
      const [a, b] = await Promise.all([answer(rt + path), answer(ex + path)]);
      expect(a, path).toEqual(b);
    }
    const missing = await answer(`${rt}/docs/missing`);
    expect(missing).toEqual({
      status: 404,
      body: { route: 'not-found', trail: ['first', 'docs', 'after-docs'], pattern: null, params: {} },
      docs: 'tried', // headers the route set before handing on stay, as in Express
      responseMw: 'ran',
    });
  });

  it('is not an error: panic hooks do not see it', async () => {
    const app = runtimeApp();
    const seen: unknown[] = [];
    app.panicHook((_ctx, error) => void seen.push(error));
    const url = await serve(app);
    expect((await answer(`${url}/docs/BAD`)).status).toBe(404);
    expect(seen).toEqual([]);
  });

  it('hands the request to a last middleware that answers only unmatched requests (compat mountExpress)', async () => {
    const app = new Server({ middlewareOrder: 'registration', logErrors: false });
    app.get('/files/{name}', (ctx) => ctx.fallThrough());
    app.get('/other', (ctx) => ctx.text('other'));
    app.requestMiddleware((ctx) => {
      if (ctx.routePattern !== null) return;
      ctx.json({ legacy: ctx.path, params: { ...ctx.params } });
      ctx.abort();
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/files/a`)).json()).toEqual({ legacy: '/files/a', params: {} });
    expect(await (await fetch(`${url}/other`)).text()).toBe('other');
  });

  it("under 'routes-last' every middleware ran before the route: only notFound follows", async () => {
    const app = new Server<Trail>({ logErrors: false });
    app.get('/x', (ctx) => ctx.fallThrough());
    app.requestMiddleware(mark('mw'));
    app.notFound((ctx) => ctx.json({ trail: ctx.state.trail }, 404));
    const url = await serve(app);
    const res = await fetch(`${url}/x`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ trail: ['mw'] });
  });

  it('from route-level middleware skips the route', async () => {
    const app = new Server({ logErrors: false });
    let routeRan = false;
    app.get('/guarded', (ctx) => ctx.fallThrough(), () => {
      routeRan = true;
    });
    const url = await serve(app);
    const res = await fetch(`${url}/guarded`);
    expect(res.status).toBe(404);
    expect((await res.json()).message).toBe('Route GET /guarded not found');
    expect(routeRan).toBe(false);
  });

  it('in a mounted router: the server middleware registered after the mount run, as Express walks back out of the router', async () => {
    const app = new Server<Trail>({ middlewareOrder: 'registration', logErrors: false });
    const docs = new Router<Trail>({ middlewareOrder: 'registration' });
    docs.get('/{name}', (ctx) => {
      mark('docs')(ctx);
      ctx.fallThrough();
    });
    docs.requestMiddleware(mark('docs-late'));
    app.mount('/docs', docs);
    app.requestMiddleware(mark('guard'));
    app.mount('/accounts', new Router<Trail>().requestMiddleware(mark('accounts')));
    app.notFound((ctx) => ctx.json({ trail: ctx.state.trail }, 404));
    const url = await serve(app);
    expect(await (await fetch(`${url}/docs/a`)).json()).toEqual({ trail: ['docs', 'docs-late', 'guard'] });
  });

  it('from notFound (or twice) gives the default 404 answer, with response middleware', async () => {
    const app = new Server({ logErrors: false });
    app.responseMiddleware((ctx) => ctx.setHeader('x-seen', '1'));
    app.get('/a', (ctx) => ctx.fallThrough());
    app.notFound((ctx) => ctx.fallThrough());
    const url = await serve(app);
    for (const path of ['/a', '/nothing']) {
      const res = await fetch(url + path);
      expect(res.status).toBe(404);
      expect(res.headers.get('x-seen')).toBe('1');
      expect(await res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: `Route GET ${path} not found` });
    }
  });

  it('from response middleware is an error (EXW_ERR_FALL_THROUGH_LATE, 500)', async () => {
    const app = new Server({ logErrors: false });
    const seen: unknown[] = [];
    app.panicHook((_ctx, error) => void seen.push((error as { code?: string }).code));
    app.get('/a', (ctx) => ctx.text('a'));
    app.responseMiddleware((ctx) => ctx.fallThrough());
    const url = await serve(app);
    const res = await fetch(`${url}/a`);
    expect(res.status).toBe(500);
    expect(seen).toEqual(['EXW_ERR_FALL_THROUGH_LATE']);
  });

  it('isFallThrough tells the marker apart in a catch, which must rethrow it', async () => {
    const app = new Server({ logErrors: false });
    const caught: boolean[] = [];
    app.get('/a', (ctx) => {
      try {
        if (ctx.query.fall) ctx.fallThrough();
        throw new Error('plain');
      } catch (err) {
        caught.push(isFallThrough(err));
        if (isFallThrough(err)) throw err;
        ctx.text('caught');
      }
    });
    const url = await serve(app);
    expect((await fetch(`${url}/a?fall=1`)).status).toBe(404);
    expect(await (await fetch(`${url}/a`)).text()).toBe('caught');
    expect(caught).toEqual([true, false]);
  });
});
