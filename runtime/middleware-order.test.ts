/**
 * middlewareOrder: 'registration' (registration-order.ts): a route runs only
 * the request middleware registered before it, unmatched requests run all of
 * them, as in Express. Checked over real sockets, and side by side with an
 * Express app registered the same way.
 */
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { Router, Server, type Context } from './index.js';
import type { RunningServer } from './listen.js';
import { start } from './__testfixtures__/raw-http.js';

type Trail = { trail?: string[] };

const handles: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close({ timeout: 1_000 })));
});

async function serve(server: Server<any>): Promise<string> {
  const handle = await start(server);
  handles.push(handle);
  return handle.url;
}

const mark = (name: string) => (ctx: Context<Trail>) => {
  (ctx.state.trail ??= []).push(name);
};
const answer = (name: string) => (ctx: Context<Trail>) => {
  ctx.json({ route: name, trail: ctx.state.trail ?? [] });
};
/** Like an API key check: answers 401 without the header, so the route never runs. */
const guard = (ctx: Context<Trail>) => {
  (ctx.state.trail ??= []).push('guard');
  if (ctx.header('x-key') !== 'k') {
    ctx.json({ error: 'no key', trail: ctx.state.trail }, 401);
    ctx.abort();
  }
};

/** The callbacks fixture's shape: public routes first, then a guard, then guarded routers. */
function runtimeApp(): Server<Trail> {
  const app = new Server<Trail>({ middlewareOrder: 'registration', logErrors: false });
  app.requestMiddleware(mark('first'));
  app.get('/health', answer('health'));
  const docs = new Router<Trail>();
  docs.get('/', answer('docs'));
  app.mount('/docs', docs);
  app.requestMiddleware(guard);
  const accounts = new Router<Trail>({ middlewareOrder: 'registration' });
  accounts.requestMiddleware(mark('accounts-mw'));
  accounts.get('/', answer('accounts-list'));
  accounts.requestMiddleware(mark('accounts-late'));
  accounts.get('/{id}', answer('accounts-one'));
  app.mount('/accounts', accounts);
  app.requestMiddleware('/admin', mark('admin-scope'));
  app.get('/admin/stats', answer('admin-stats'));
  app.get('/late', answer('late'));
  app.notFound((ctx) => {
    ctx.json({ route: 'not-found', trail: ctx.state.trail ?? [] }, 404);
  });
  return app;
}

/** The same registrations on Express 4. */
function expressApp(): express.Express {
  type Req = express.Request & Trail;
  const emark = (name: string): express.RequestHandler => (req, _res, next) => {
    ((req as Req).trail ??= []).push(name);
    next();
  };
  const eanswer = (name: string): express.RequestHandler => (req, res) => {
    res.json({ route: name, trail: (req as Req).trail ?? [] });
  };
  const app = express();
  app.use(emark('first'));
  app.get('/health', eanswer('health'));
  const docs = express.Router();
  docs.get('/', eanswer('docs'));
  app.use('/docs', docs);
  app.use((req, res, next) => {
    ((req as Req).trail ??= []).push('guard');
    if (req.get('x-key') !== 'k') return void res.status(401).json({ error: 'no key', trail: (req as Req).trail });
    next();
  });
  const accounts = express.Router();
  accounts.use(emark('accounts-mw'));
  accounts.get('/', eanswer('accounts-list'));
  accounts.use(emark('accounts-late'));
  accounts.get('/:id', eanswer('accounts-one'));
  app.use('/accounts', accounts);
  app.use('/admin', emark('admin-scope'));
  app.get('/admin/stats', eanswer('admin-stats'));
  app.get('/late', eanswer('late'));
  app.use((req, res) => {
    res.status(404).json({ route: 'not-found', trail: (req as Req).trail ?? [] });
  });
  return app;
}

const REQUESTS: Array<[path: string, key: boolean]> = [
  ['/health', false],
  ['/docs', false],
  ['/accounts', true],
  ['/accounts/7', true],
  ['/accounts', false],
  ['/admin/stats', true],
  ['/late', true],
  ['/nope', true],
  ['/nope', false],
  ['/accounts/7/deeper', true],
];

describe("middlewareOrder: 'registration'", () => {
  it('a route runs only the middleware registered before it; a mounted router sits at its mount', async () => {
    const url = await serve(runtimeApp());
    const get = (path: string, key = true) => request(url).get(path).set(key ? { 'x-key': 'k' } : {});
    expect((await get('/health', false)).body).toEqual({ route: 'health', trail: ['first'] });
    expect((await get('/docs', false)).body).toEqual({ route: 'docs', trail: ['first'] });
    expect((await get('/accounts')).body).toEqual({ route: 'accounts-list', trail: ['first', 'guard', 'accounts-mw'] });
    expect((await get('/accounts/7')).body).toEqual({ route: 'accounts-one', trail: ['first', 'guard', 'accounts-mw', 'accounts-late'] });
    // Path-scoped middleware keep their scope: /late is outside /accounts and /admin.
    expect((await get('/late')).body).toEqual({ route: 'late', trail: ['first', 'guard'] });
    expect((await get('/admin/stats')).body).toEqual({ route: 'admin-stats', trail: ['first', 'guard', 'admin-scope'] });
  });

  it('an unknown path runs every middleware: the guard answers 401 before the 404', async () => {
    const url = await serve(runtimeApp());
    const res = await request(url).get('/nope');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'no key', trail: ['first', 'guard'] });
    const keyed = await request(url).get('/accounts/7/deeper').set('x-key', 'k');
    expect(keyed.status).toBe(404);
    expect(keyed.body.trail).toEqual(['first', 'guard', 'accounts-mw', 'accounts-late']);
  });

  it('a known path with another method (405) runs every middleware too', async () => {
    const url = await serve(runtimeApp());
    const res = await request(url).post('/health');
    expect(res.status).toBe(401);
    const keyed = await request(url).post('/health').set('x-key', 'k');
    expect(keyed.status).toBe(405);
    expect(keyed.headers.allow).toBe('GET, HEAD');
  });

  it('answers exactly as Express registered the same way', async () => {
    const ours = await serve(runtimeApp());
    const theirs = expressApp();
    for (const [path, key] of REQUESTS) {
      const headers: Record<string, string> = key ? { 'x-key': 'k' } : {};
      const [a, b] = await Promise.all([request(ours).get(path).set(headers), request(theirs).get(path).set(headers)]);
      expect({ path, key, status: a.status, body: a.body }).toEqual({ path, key, status: b.status, body: b.body });
    }
  });

  it('middleware a router registers after it was mounted still sits at the mount', async () => {
    const app = new Server<Trail>({ middlewareOrder: 'registration' });
    const api = new Router<Trail>();
    app.get('/api/before', answer('before'));
    app.mount('/api', api);
    app.get('/api/after', answer('after'));
    api.requestMiddleware(mark('api-late')); // registered later in time, but Express enters /api first
    app.get('/api/later', answer('later'));
    const url = await serve(app);
    expect((await request(url).get('/api/before')).body.trail).toEqual([]);
    expect((await request(url).get('/api/after')).body.trail).toEqual(['api-late']);
    expect((await request(url).get('/api/later')).body.trail).toEqual(['api-late']);
  });

  it('nested routers order recursively', async () => {
    const app = new Server<Trail>({ middlewareOrder: 'registration' });
    const outer = new Router<Trail>({ middlewareOrder: 'registration' });
    const inner = new Router<Trail>({ middlewareOrder: 'registration' });
    inner.get('/early', answer('early'));
    inner.requestMiddleware(mark('inner'));
    inner.get('/late', answer('late'));
    outer.requestMiddleware(mark('outer-before'));
    outer.mount('/in', inner);
    outer.requestMiddleware(mark('outer-after'));
    outer.get('/in/own', answer('own'));
    app.mount('/out', outer);
    const url = await serve(app);
    expect((await request(url).get('/out/in/early')).body.trail).toEqual(['outer-before']);
    expect((await request(url).get('/out/in/late')).body.trail).toEqual(['outer-before', 'inner']);
    // Express walks the inner router (its middleware included) before outer's later registrations.
    expect((await request(url).get('/out/in/own')).body.trail).toEqual(['outer-before', 'inner', 'outer-after']);
  });
});

describe('mixed modes: the registry where a middleware and a route part decides', () => {
  it("a 'registration' Router keeps its own order on a default Server", async () => {
    const app = new Server<Trail>();
    const router = new Router<Trail>({ middlewareOrder: 'registration' });
    router.get('/open', answer('open'));
    router.requestMiddleware(mark('router-late'));
    router.get('/closed', answer('closed'));
    app.mount('/r', router);
    app.requestMiddleware(mark('server-late'));
    const url = await serve(app);
    // The server is 'routes-last': its middleware reach every route, the router's own order still holds.
    expect((await request(url).get('/r/open')).body.trail).toEqual(['server-late']);
    expect((await request(url).get('/r/closed')).body.trail).toEqual(['router-late', 'server-late']);
  });

  it("a default Router on a 'registration' Server runs all its middleware before its routes", async () => {
    const app = new Server<Trail>({ middlewareOrder: 'registration' });
    const router = new Router<Trail>();
    router.get('/x', answer('x'));
    router.requestMiddleware(mark('router-late'));
    app.get('/before', answer('before'));
    app.mount('/', router);
    app.requestMiddleware(mark('server-late'));
    const url = await serve(app);
    expect((await request(url).get('/x')).body.trail).toEqual(['router-late']);
    // Registered before the mount: Express answered it before entering the router.
    expect((await request(url).get('/before')).body.trail).toEqual([]);
  });

  it("the default ('routes-last') runs every middleware before every route, whatever the order", async () => {
    const app = new Server<Trail>();
    app.get('/early', answer('early'));
    app.requestMiddleware(mark('late'));
    const url = await serve(app);
    expect((await request(url).get('/early')).body.trail).toEqual(['late']);
  });
});

describe('requestMiddlewareAtMount', () => {
  it('builds the middleware once per mount with the full mount path, scoped to it', async () => {
    const seen: string[] = [];
    const inner = new Router<Trail>();
    inner.requestMiddlewareAtMount((mountPath) => {
      seen.push(mountPath);
      return mark(`at ${mountPath}`);
    });
    inner.get('/x', answer('x'));
    const outer = new Router<Trail>();
    outer.mount('/in', inner);
    const app = new Server<Trail>();
    app.mount('/a', outer);
    app.mount('/b', inner);
    app.requestMiddlewareAtMount((mountPath) => mark(`server ${mountPath}`));
    app.get('/other', answer('other'));
    const url = await serve(app);
    expect(seen).toEqual(['/a/in', '/b']);
    expect((await request(url).get('/a/in/x')).body.trail).toEqual(['at /a/in', 'server /']);
    expect((await request(url).get('/b/x')).body.trail).toEqual(['at /b', 'server /']);
    expect((await request(url).get('/other')).body.trail).toEqual(['server /']);
  });

  it('rejects a factory that does not return a function', () => {
    const router = new Router();
    router.requestMiddlewareAtMount(() => 'nope' as never);
    expect(() => new Server().mount('/r', router)).toThrow(expect.objectContaining({ code: 'EXW_ERR_REGISTER_NOT_FUNCTION' }));
  });
});

describe('option validation', () => {
  it('rejects unknown values with a coded error', () => {
    expect(() => new Server({ middlewareOrder: 'express' as never })).toThrow(expect.objectContaining({ code: 'EXW_ERR_CONFIG_INVALID' }));
    expect(() => new Router({ middlewareOrder: 'express' as never })).toThrow(expect.objectContaining({ code: 'EXW_ERR_CONFIG_INVALID' }));
    expect(() => new Router(null as never)).toThrow(expect.objectContaining({ code: 'EXW_ERR_CONFIG_INVALID' }));
    expect(new Server({ middlewareOrder: 'registration' }).config.middlewareOrder).toBe('registration');
    expect(new Server().config.middlewareOrder).toBe('routes-last');
  });
});
