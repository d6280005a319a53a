/**
 * renderView against Express's own res.render, side by side: the same
 * view app settings, the same requests, the same answers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express4 from 'express';
import express5 from 'express5';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import compression from 'compression';
import { Server } from '../runtime/index.js';
import { compress } from '../runtime/compress.js';
import { renderView, type ViewApp } from './index.js';

const views = mkdtempSync(join(tmpdir(), 'exw-render-view-'));
writeFileSync(join(views, 'page.txt'), '');
writeFileSync(join(views, 'boom.txt'), '');

/** A tiny engine: the locals it sees, as JSON; 'boom' fails. */
function engine(file: string, opts: Record<string, unknown>, cb: (err: Error | null, html?: string) => void): void {
  if (file.endsWith('boom.txt')) return cb(new Error('template failed'));
  cb(null, JSON.stringify({ a: opts.a, b: opts.b, c: opts.c }));
}

type Express = typeof express4;
type App = ReturnType<Express>;

function viewApp(express: Express, configure: (app: App) => void = () => {}): App {
  const app = express();
  app.engine('txt', engine);
  app.set('view engine', 'txt');
  app.set('views', views);
  app.locals.a = 'app';
  app.locals.b = 'app';
  app.locals.c = 'app';
  configure(app);
  return app;
}

/** The same page from Express's res.render and from a runtime route with renderView. */
function pair(express: Express, configure?: (app: App) => void, view = 'page') {
  const original = viewApp(express, configure);
  original.get('/', (req, res) => {
    res.locals.b = 'res';
    if (req.query.type) res.type(String(req.query.type));
    if (req.query.rawtype !== undefined) res.set('Content-Type', String(req.query.rawtype));
    res.status(Number(req.query.status ?? 200)).render(view, { c: 'call' });
  });
  original.use((err: Error, req: any, res: any, next: any) => {
    res.status(500).json({ error: err.message });
  });
  const legacy = viewApp(express, configure) as unknown as ViewApp;
  const server = new Server();
  server.get('/', async (ctx) => {
    ctx.state.b = 'res';
    if (ctx.query.type) ctx.setHeader('Content-Type', ctx.query.type === 'xml' ? 'application/xml' : String(ctx.query.type));
    if (ctx.query.rawtype !== undefined) ctx.setHeader('Content-Type', String(ctx.query.rawtype));
    ctx.status = Number(ctx.query.status ?? 200);
    await renderView(legacy, ctx, view, { c: 'call' });
  });
  server.panicHook((ctx, err) => ctx.json({ error: (err as Error).message }, 500));
  return [original, server.handler] as const;
}

/** `etag: false`: a JSON answer of the runtime, which sends no ETag of its own (docs/runtime.md). */
async function both(apps: readonly [unknown, unknown], send: (agent: ReturnType<typeof request>) => request.Test, opts = { etag: true }) {
  const out = [];
  for (const app of apps) {
    const res = await send(request(app as Parameters<typeof request>[0]));
    out.push({ status: res.status, type: res.headers['content-type'], etag: opts.etag ? res.headers.etag : null, length: res.headers['content-length'], text: res.text });
  }
  expect(out[1]).toEqual(out[0]);
  return out[0]!;
}

describe.each([
  ['Express 4', express4],
  ['Express 5', express5 as unknown as Express],
])('renderView with %s', (_name, express) => {
  it('merges app.locals < res.locals (ctx.state) < the call locals', async () => {
    const res = await both(pair(express), (r) => r.get('/'));
    expect(JSON.parse(res.text)).toEqual({ a: 'app', b: 'res', c: 'call' });
    expect(res.type).toBe('text/html; charset=utf-8');
  });

  it('keeps a Content-Type set before, with charset=utf-8 added', async () => {
    const res = await both(pair(express), (r) => r.get('/?type=xml'));
    expect(res.type).toBe('application/xml; charset=utf-8');
  });

  it("formats a set type with Express's own content-type, and answers text/html for an empty one", async () => {
    const apps = pair(express);
    // Express 4's content-type sorts the parameters, Express 5's keeps their order; both unquote what needs no quotes.
    const expected = express === express4 ? 'text/html; charset=utf-8; foo=ab' : 'text/html; foo=ab; charset=utf-8';
    expect((await both(apps, (r) => r.get('/').query({ type: 'Text/HTML; Foo="ab"' }))).type).toBe(expected);
    expect((await both(apps, (r) => r.get('/').query({ type: 'Text/HTML; Foo="ab"' }))).type).toBe(expected);
    expect((await both(apps, (r) => r.get('/?rawtype='))).type).toBe('text/html; charset=utf-8');
  });

  it('sends the ETag of the app etag setting, and 304 to a matching If-None-Match', async () => {
    const apps = pair(express, (app) => app.set('etag', 'strong'));
    const first = await both(apps, (r) => r.get('/'));
    expect(first.etag).toMatch(/^"/);
    const again = await both(apps, (r) => r.get('/').set('if-none-match', first.etag));
    expect(again.status).toBe(304);
  });

  it('is not fresh for a non-2xx status, and sends no ETag when the setting is off', async () => {
    expect((await both(pair(express), (r) => r.get('/?status=404').set('if-none-match', '*'))).status).toBe(404);
    expect((await both(pair(express, (app) => app.disable('etag')), (r) => r.get('/'))).etag).toBeUndefined();
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await both(pair(express), (r) => r.head('/'));
    expect(Number(res.length)).toBeGreaterThan(0);
  });

  it('rejects with the render error, which the error handler answers', async () => {
    const res = await both(pair(express, undefined, 'boom'), (r) => r.get('/'), { etag: false });
    expect(res).toMatchObject({ status: 500, text: '{"error":"template failed"}' });
  });

  it("gives the final handler's page compression's treatment under compress(), as app.use(compression()) did", async () => {
    const [original, server] = teapotApps(express, true);
    const answers = await quietly(async () => {
      const out = [];
      for (const app of [original, server]) {
        const res = await request(app as Parameters<typeof request>[0]).get('/').set('accept-encoding', 'gzip');
        out.push({ status: res.status, vary: res.headers.vary, encoding: res.headers['content-encoding'], type: res.headers['content-type'], text: res.text });
      }
      return out;
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ status: 418, vary: 'Accept-Encoding', encoding: 'gzip' });
  });

  it("answers a render error of the app's last error handler with Express's final handler", async () => {
    const res = await quietly(() => both(teapotApps(express, false), (r) => r.get('/'), { etag: false }));
    expect(res.status).toBe(418);
    expect(res.text).toContain('<pre>I&#39;m a Teapot</pre>');
  });
});

/** A route that throws 418 and an error handler whose render fails, in Express and in the runtime (renderView, finalHandler). */
function teapotApps(express: Express, compressed: boolean): [App, (req: any, res: any) => void] {
  const configure = (app: App) => app.set('env', 'production');
  const original = viewApp(express, configure);
  if (compressed) original.use(compression({ threshold: 0 }));
  original.get('/', () => {
    throw Object.assign(new Error('teapot'), { status: 418 });
  });
  original.use((err: any, req: any, res: any, next: any) => {
    res.status(err.status);
    res.render('boom');
  });
  const legacy = viewApp(express, configure) as unknown as ViewApp;
  const server = new Server();
  if (compressed) server.requestMiddleware(compress({ threshold: 0 }, compression));
  server.get('/', () => {
    throw Object.assign(new Error('teapot'), { status: 418 });
  });
  server.panicHook(async (ctx, err) => {
    ctx.status = (err as { status: number }).status;
    await renderView(legacy, ctx, 'boom', undefined, { finalHandler: true });
  });
  return [original, server.handler];
}

/** Express's final handler logs the render error: kept off the test output. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const errors = console.error;
  console.error = () => {};
  try {
    return await run();
  } finally {
    console.error = errors;
  }
}
