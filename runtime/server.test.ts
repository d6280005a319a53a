/** The pipeline, routing integration, hooks and the node entry points, over real sockets. */
import http from 'node:http';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { Router, Server } from './index.js';
import type { RunningServer } from './listen.js';
import { start } from './__testfixtures__/raw-http.js';

const handles: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close({ timeout: 1_000 })));
});

async function serve(server: Server<any>): Promise<string> {
  const handle = await start(server);
  handles.push(handle);
  return handle.url;
}

describe('pipeline order', () => {
  it('runs global, path-scoped and route-level middleware in order, then the route, then response middleware', async () => {
    const server = new Server<{ trail: string[] }>({ logErrors: false });
    const seen = (name: string) => (ctx: { state: { trail?: string[] } }) => {
      (ctx.state.trail ??= []).push(name);
    };
    server.requestMiddleware(seen('global1'));
    server.requestMiddleware('/a', seen('scoped-a'));
    server.requestMiddleware('/b', seen('scoped-b'));
    server.requestMiddleware(async (ctx) => {
      await new Promise((r) => setTimeout(r, 1));
      (ctx.state.trail ??= []).push('global2-async');
    });
    server.get('/a/{id}', seen('route-mw'), (ctx) => {
      ctx.state.trail.push('route');
      ctx.json({ trail: ctx.state.trail, id: ctx.params.id });
    });
    server.responseMiddleware((ctx) => {
      ctx.setHeader('x-trail', [...ctx.state.trail, 'response'].join(','));
    });
    const res = await request(server.handler).get('/a/7');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ trail: ['global1', 'scoped-a', 'global2-async', 'route-mw', 'route'], id: '7' });
    expect(res.headers['x-trail']).toBe('global1,scoped-a,global2-async,route-mw,route,response');
  });

  it('ctx.abort() skips the rest of the request middleware and the route; response middleware still run', async () => {
    const server = new Server();
    let routeRan = false;
    let laterRan = false;
    server.requestMiddleware((ctx) => {
      if (ctx.header('authorization') !== 'yes') {
        ctx.json({ error: 'unauthorized' }, 401);
        ctx.abort();
      }
    });
    server.requestMiddleware(() => {
      laterRan = true;
    });
    server.get('/secret', (ctx) => {
      routeRan = true;
      ctx.text('secret');
    });
    server.responseMiddleware((ctx) => ctx.setHeader('x-seen', String(ctx.aborted)));
    const res = await request(server.handler).get('/secret');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized' });
    expect(res.headers['x-seen']).toBe('true');
    expect(routeRan).toBe(false);
    expect(laterRan).toBe(false);
    const ok = await request(server.handler).get('/secret').set('authorization', 'yes');
    expect(ok.text).toBe('secret');
  });

  it('response middleware may replace status, headers and body before anything is written', async () => {
    const server = new Server();
    server.get('/x', (ctx) => {
      ctx.setHeader('x-remove-me', '1');
      ctx.json({ a: 1 });
    });
    server.responseMiddleware((ctx) => {
      expect(ctx.body).toEqual({ a: 1 });
      expect(ctx.status).toBe(200);
      ctx.status = 201;
      ctx.removeHeader('x-remove-me');
      ctx.appendHeader('vary', 'accept');
      ctx.body = { wrapped: ctx.body };
    });
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ wrapped: { a: 1 } });
    expect(res.headers['x-remove-me']).toBeUndefined();
    expect(res.headers.vary).toBe('accept');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('path-scoped response middleware only run under their prefix', async () => {
    const server = new Server();
    server.get('/api/x', (ctx) => ctx.text('a'));
    server.get('/other', (ctx) => ctx.text('b'));
    server.responseMiddleware('/api', (ctx) => ctx.setHeader('x-api', '1'));
    expect((await request(server.handler).get('/api/x')).headers['x-api']).toBe('1');
    expect((await request(server.handler).get('/other')).headers['x-api']).toBeUndefined();
  });

  it('middleware registered after routes still apply to them (plans compile before the first request)', async () => {
    const server = new Server();
    server.get('/late', (ctx) => ctx.json(ctx.state));
    server.requestMiddleware((ctx) => {
      ctx.state.late = true;
    });
    expect((await request(server.handler).get('/late')).body).toEqual({ late: true });
  });
});

describe('path-scoped middleware is a security boundary', () => {
  const variants = ['/admin', '//admin', '/%61dmin', '/ADMIN', '/admin/', '/./admin', '/x/../admin', '/admin/panel', '//admin//panel'];

  it.each(variants)('%s reaches an /admin route only through the /admin middleware', async (path) => {
    const server = new Server();
    server.requestMiddleware('/admin', (ctx) => {
      ctx.text('denied', 403);
      ctx.abort();
    });
    server.get('/admin', (ctx) => ctx.text('admin home'));
    server.get('/admin/{page}', (ctx) => ctx.text('admin page'));
    const url = await serve(server);
    const res = await fetch(url + path);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('denied');
  });

  it('is segment aware: /administrator is not under /admin', async () => {
    const server = new Server();
    server.requestMiddleware('/admin', (ctx) => {
      ctx.text('denied', 403);
      ctx.abort();
    });
    server.get('/administrator', (ctx) => ctx.text('ok'));
    server.get('/{section}/x', (ctx) => ctx.text(`section ${ctx.params.section}`));
    expect((await request(server.handler).get('/administrator')).status).toBe(200);
    // a dynamic route: decided per request
    expect((await request(server.handler).get('/admin/x')).status).toBe(403);
    expect((await request(server.handler).get('/ADMIN/x')).status).toBe(403);
    expect((await request(server.handler).get('/public/x')).text).toBe('section public');
  });

  it('runs scoped middleware on 404s under the prefix too', async () => {
    const server = new Server();
    server.requestMiddleware('/admin', (ctx) => {
      ctx.text('denied', 403);
      ctx.abort();
    });
    expect((await request(server.handler).get('/admin/missing')).status).toBe(403);
    expect((await request(server.handler).get('/missing')).status).toBe(404);
  });

  it('case-sensitive servers keep /ADMIN apart from /admin', async () => {
    const server = new Server({ caseSensitive: true });
    server.requestMiddleware('/admin', (ctx) => {
      ctx.text('denied', 403);
      ctx.abort();
    });
    server.get('/admin', (ctx) => ctx.text('admin'));
    expect((await request(server.handler).get('/admin')).status).toBe(403);
    expect((await request(server.handler).get('/ADMIN')).status).toBe(404);
  });

  it('supports {param} segments in a prefix', async () => {
    const server = new Server();
    server.requestMiddleware('/orgs/{org}/admin', (ctx) => {
      ctx.text('denied', 403);
      ctx.abort();
    });
    server.get('/orgs/{org}/admin/users', (ctx) => ctx.text('users'));
    server.get('/orgs/{org}/public', (ctx) => ctx.text('public'));
    expect((await request(server.handler).get('/orgs/acme/admin/users')).status).toBe(403);
    expect((await request(server.handler).get('/orgs/acme/public')).status).toBe(200);
  });
});

describe('routing', () => {
  it('serves HEAD for GET routes without a body', async () => {
    const server = new Server();
    server.get('/doc', (ctx) => ctx.json({ hello: 'world' }));
    const url = await serve(server);
    const res = await fetch(url + '/doc', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(JSON.stringify({ hello: 'world' }).length));
    expect(await res.text()).toBe('');
  });

  it('answers 405 with Allow for a known path and the wrong method', async () => {
    const server = new Server();
    server.get('/items', (ctx) => ctx.text('list'));
    server.post('/items', (ctx) => ctx.text('made'));
    const res = await request(server.handler).delete('/items');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
  });

  it('with methodNotAllowed: false, a known path with another method is unmatched: the notFound answer, no Allow (Express)', async () => {
    const server = new Server({ methodNotAllowed: false });
    server.requestMiddleware((ctx) => ctx.setHeader('x-mw', 'ran'));
    server.get('/items', (ctx) => ctx.text('list'));
    server.notFound((ctx) => ctx.json({ error: 'not found' }, 404));
    for (const res of [await request(server.handler).delete('/items'), await request(server.handler).options('/items')]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not found' });
      expect(res.headers.allow).toBeUndefined();
      expect(res.headers['x-mw']).toBe('ran');
    }
    expect((await request(server.handler).get('/items')).text).toBe('list');
    expect(() => new Server({ methodNotAllowed: 'no' as unknown as boolean })).toThrow(/methodNotAllowed/);
  });

  it('sends Allow only with its own 405: a middleware answering first (a CORS preflight) sends none, as in Express', async () => {
    const server = new Server();
    server.requestMiddleware((ctx) => {
      if (ctx.method !== 'OPTIONS' || !ctx.header('origin')) return;
      ctx.status = 204;
      ctx.abort();
    });
    server.post('/items', (ctx) => ctx.text('made'));
    const preflight = await request(server.handler).options('/items').set('origin', 'http://a.test');
    expect(preflight.status).toBe(204);
    expect(preflight.headers.allow).toBeUndefined();
    const plain = await request(server.handler).options('/items');
    expect(plain.status).toBe(405);
    expect(plain.headers.allow).toBe('POST');
  });

  it('answers 404 by default, replaceable by notFound (request middleware still run)', async () => {
    const server = new Server();
    expect((await request(server.handler).get('/nope')).body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    server.requestMiddleware((ctx) => ctx.setHeader('x-mw', 'ran'));
    server.notFound((ctx) => ctx.html('<h1>gone</h1>', 404));
    const res = await request(server.handler).get('/nope');
    expect(res.status).toBe(404);
    expect(res.text).toBe('<h1>gone</h1>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-mw']).toBe('ran');
  });

  it('mounts routers, with their middleware scoped to the mount prefix, including routes added after mounting', async () => {
    const server = new Server();
    const api = new Router();
    const v1 = new Router();
    api.requestMiddleware((ctx) => ctx.setHeader('x-api', 'yes'));
    v1.get('/users/{id}', (ctx) => ctx.json({ id: ctx.params.id }));
    api.mount('/v1', v1);
    server.mount('/api', api);
    api.get('/', (ctx) => ctx.text('api root'));
    v1.post('/users', (ctx) => ctx.text('created', 201));
    server.get('/outside', (ctx) => ctx.text('outside'));
    const user = await request(server.handler).get('/api/v1/users/5');
    expect(user.body).toEqual({ id: '5' });
    expect(user.headers['x-api']).toBe('yes');
    expect((await request(server.handler).get('/api')).text).toBe('api root');
    expect((await request(server.handler).post('/api/v1/users')).status).toBe(201);
    const outside = await request(server.handler).get('/outside');
    expect(outside.headers['x-api']).toBeUndefined();
    expect(server.routes()).toEqual(
      expect.arrayContaining([
        { method: 'GET', pattern: '/api/v1/users/{id}' },
        { method: 'POST', pattern: '/api/v1/users' },
      ]),
    );
  });

  it('decodes params once, including %2F inside a segment', async () => {
    const server = new Server();
    server.get('/files/{name}', (ctx) => ctx.json(ctx.params));
    server.route('/raw/{rest:.+}', (ctx) => ctx.json({ rest: ctx.params.rest, method: ctx.method }));
    expect((await request(server.handler).get('/files/a%2Fb')).body).toEqual({ name: 'a/b' });
    expect((await request(server.handler).get('/files/caf%C3%A9')).body).toEqual({ name: 'café' });
    expect((await request(server.handler).get('/files/100%2525')).body).toEqual({ name: '100%25' });
    expect((await request(server.handler).put('/raw/x/y/z')).body).toEqual({ rest: 'x/y/z', method: 'PUT' });
  });

  it('fails at registration on a duplicate route or bad input', () => {
    const server = new Server();
    server.get('/a', () => {});
    expect(() => server.get('/a', () => {})).toThrow(expect.objectContaining({ code: 'EXW_ERR_ROUTE_DUPLICATE' }));
    expect(() => server.get('no-slash', () => {})).toThrow(expect.objectContaining({ code: 'EXW_ERR_REGISTER_INVALID_PREFIX' }));
    expect(() => server.get('/b', 'nope' as never)).toThrow(expect.objectContaining({ code: 'EXW_ERR_REGISTER_NOT_FUNCTION' }));
    expect(() => server.requestMiddleware('/admin//x', () => {})).toThrow(expect.objectContaining({ code: 'EXW_ERR_REGISTER_INVALID_PREFIX' }));
  });

  it('rejects a malformed path with 400 through the request-error hook', async () => {
    const server = new Server();
    const seen: string[] = [];
    server.requestErrorHook((ctx, err) => {
      seen.push((err as { code: string }).code);
    });
    const url = await serve(server);
    const res = await fetch(url + '/a%zz');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'EXW_ERR_PATH_MALFORMED' });
    const nul = await fetch(url + '/a%00');
    expect(nul.status).toBe(400);
    expect(seen).toEqual(['EXW_ERR_PATH_MALFORMED', 'EXW_ERR_PATH_NUL']);
  });
});

describe('errors', () => {
  it('sync and async throwing handlers answer 500 without a stack, and the server keeps serving', async () => {
    const server = new Server({ logErrors: false });
    server.get('/sync', () => {
      throw new Error('secret detail');
    });
    server.get('/async', async () => {
      await Promise.resolve();
      throw new Error('secret detail');
    });
    server.get('/reject', () => Promise.reject(new Error('secret detail')));
    server.get('/string', () => {
      throw 'a string';
    });
    server.get('/ok', (ctx) => ctx.text('ok'));
    const url = await serve(server);
    for (const path of ['/sync', '/async', '/reject', '/string']) {
      const res = await fetch(url + path);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain('secret detail');
      expect(text).not.toContain('at ');
      expect(JSON.parse(text)).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
    }
    expect(await (await fetch(url + '/ok')).text()).toBe('ok');
  });

  it('panic hooks get the error with ctx.error set, and choose the answer; response middleware still run', async () => {
    const server = new Server();
    const boom = new Error('boom');
    let seenError: unknown;
    server.get('/x', () => {
      throw boom;
    });
    server.panicHook((ctx, err) => {
      seenError = ctx.error;
      expect(err).toBe(boom);
      ctx.json({ oops: true }, 503);
    });
    server.responseMiddleware((ctx) => ctx.setHeader('x-after', 'yes'));
    const res = await request(server.handler).get('/x');
    expect(seenError).toBe(boom);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ oops: true });
    expect(res.headers['x-after']).toBe('yes');
  });

  it('an error inside a panic hook still ends in a 500', async () => {
    const server = new Server({ logErrors: false });
    server.get('/x', () => {
      throw new Error('first');
    });
    server.panicHook(async () => {
      throw new Error('second');
    });
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ statusCode: 500 });
  });

  it('errors with a 4xx status (http-errors style) keep it and show their message', async () => {
    const server = new Server();
    server.get('/x', () => {
      throw Object.assign(new Error('Missing widget'), { status: 422 });
    });
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, message: 'Missing widget' });
  });

  it('an error in response middleware goes to the panic hooks and still answers', async () => {
    const server = new Server({ logErrors: false });
    server.get('/x', (ctx) => ctx.text('fine'));
    server.responseMiddleware(() => {
      throw new Error('bad response mw');
    });
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(500);
  });

  it('rejects CR/LF in header values and redirect targets (500, nothing injected)', async () => {
    const server = new Server({ logErrors: false });
    server.get('/h', (ctx) => ctx.setHeader('x-a', 'a\r\nSet-Cookie: evil=1'));
    server.get('/r', (ctx) => ctx.redirect('/ok\r\nSet-Cookie: evil=1'));
    for (const path of ['/h', '/r']) {
      const res = await request(server.handler).get(path);
      expect(res.status).toBe(500);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('a body or header node cannot write (circular JSON, invalid header name) answers 500', async () => {
    const server = new Server({ logErrors: false });
    server.get('/circular', (ctx) => {
      const a: Record<string, unknown> = {};
      a.self = a;
      ctx.json(a);
    });
    server.get('/bad-name', (ctx) => {
      ctx.setHeader('bad header name', 'x');
      ctx.text('x');
    });
    server.get('/ok', (ctx) => ctx.text('ok'));
    for (const path of ['/circular', '/bad-name']) {
      const res = await request(server.handler).get(path);
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ statusCode: 500 });
    }
    expect((await request(server.handler).get('/ok')).text).toBe('ok');
  });

  it('a panic after the head was written cuts the response instead of writing another', async () => {
    const server = new Server({ logErrors: false });
    server.get('/x', async (ctx) => {
      await ctx.commitHead();
      ctx.res.write('partial');
      throw new Error('late');
    });
    server.get('/ok', (ctx) => ctx.text('ok'));
    const url = await serve(server);
    await expect(fetch(url + '/x').then((r) => r.text())).rejects.toThrow();
    expect(await (await fetch(url + '/ok')).text()).toBe('ok');
  });
});

describe('node entry points', () => {
  it('server.handler works with http.createServer and attach() installs everything', async () => {
    const server = new Server();
    server.get('/x', (ctx) => ctx.text('hi'));
    const plain = http.createServer(server.handler);
    const attached = server.attach(http.createServer());
    for (const s of [plain, attached]) {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      const { port } = s.address() as { port: number };
      expect(await (await fetch(`http://127.0.0.1:${port}/x`)).text()).toBe('hi');
      await new Promise((r) => s.close(r));
    }
    expect(attached.listenerCount('upgrade')).toBe(1);
    expect(attached.listenerCount('clientError')).toBe(1);
  });

  it('keeps keep-alive requests apart: fresh Context and state each time', async () => {
    const server = new Server<{ count?: number }>();
    server.requestMiddleware((ctx) => {
      ctx.state.count = (ctx.state.count ?? 0) + 1;
    });
    server.get('/x', (ctx) => {
      if (ctx.query.set) ctx.setHeader('x-set', String(ctx.query.set));
      ctx.json({ count: ctx.state.count, query: ctx.query });
    });
    const url = await serve(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<{ body: string; headers: http.IncomingHttpHeaders; socket: unknown }>((resolve, reject) => {
        http.get(url + path, { agent }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ body, headers: res.headers, socket: res.socket }));
        }).on('error', reject);
      });
    const first = await get('/x?set=1');
    const second = await get('/x');
    agent.destroy();
    expect(JSON.parse(first.body)).toEqual({ count: 1, query: { set: '1' } });
    expect(JSON.parse(second.body)).toEqual({ count: 1, query: {} });
    expect(second.headers['x-set']).toBeUndefined();
    expect(first.socket).toBe(second.socket);
  });

  it('query is prototype-safe: ?__proto__[x]=1 pollutes nothing (simple and extended)', async () => {
    for (const queryParser of ['simple', 'extended'] as const) {
      const server = new Server({ queryParser });
      server.get('/q', (ctx) => {
        const q = ctx.query as Record<string, unknown>;
        ctx.json({ proto: Object.getPrototypeOf(q), polluted: ({} as Record<string, unknown>).x ?? null, keys: Object.keys(q), a: q.a });
      });
      const res = await request(server.handler).get('/q?__proto__[x]=1&constructor[prototype][x]=2&a[b]=3');
      expect(res.body.polluted).toBeNull();
      expect(res.body.proto).toBeNull();
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      if (queryParser === 'extended') expect(res.body.a).toEqual({ b: '3' });
      else expect(res.body.a).toBeUndefined();
    }
  });
});
