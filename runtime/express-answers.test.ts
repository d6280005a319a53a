/**
 * autoOptions (Express's automatic OPTIONS answer) and malformedPath (paths
 * whose percent-encoding cannot be decoded, let through as Express does).
 * The bytes are checked side by side with real Express 4 and 5 in
 * compat/express-answers-equivalence.test.ts; here, the runtime's rules.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Router, Server } from './index.js';
import { holdsMalformedSegment, normalizePath } from './normalize-path.js';
import { RouteTree } from './router.js';

function routesOf(server: Server<any>): Server<any> {
  server.get('/items', (ctx) => ctx.text('list'));
  server.post('/items', (ctx) => ctx.text('made'));
  return server;
}

describe('autoOptions', () => {
  it('is off by default: OPTIONS on a known path is routed like any other method (405 with Allow)', async () => {
    const res = await request(routesOf(new Server()).handler).options('/items');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
  });

  it("'express4': 200, Allow in registration order joined with ',', the same text as a text/html body", async () => {
    const server = new Server({ autoOptions: 'express4' });
    server.delete('/items/{id}', (ctx) => ctx.text('gone'));
    server.get('/items/{id}', (ctx) => ctx.text('one'));
    server.patch('/items/{id}', (ctx) => ctx.text('changed'));
    const res = await request(server.handler).options('/items/7');
    expect(res.status).toBe(200);
    expect(res.headers.allow).toBe('DELETE,GET,HEAD,PATCH');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-length']).toBe('21');
    expect(res.text).toBe('DELETE,GET,HEAD,PATCH');
  });

  it("'express4' lists every route the path matches, once per method, in registration order", async () => {
    const server = new Server({ autoOptions: 'express4' });
    server.put('/users/{id}', (ctx) => ctx.text('put'));
    server.get('/users/me', (ctx) => ctx.text('me'));
    server.post('/users/{id:\\d+}', (ctx) => ctx.text('regex'));
    server.put('/users/me', (ctx) => ctx.text('put me'));
    expect((await request(server.handler).options('/users/me')).headers.allow).toBe('PUT,GET,HEAD');
    expect((await request(server.handler).options('/users/42')).headers.allow).toBe('PUT,POST');
  });

  it("'express5' (and true): sorted, joined with ', ', text/plain with nosniff", async () => {
    for (const autoOptions of ['express5', true] as const) {
      const server = new Server({ autoOptions });
      server.post('/items', (ctx) => ctx.text('made'));
      server.get('/items', (ctx) => ctx.text('list'));
      const res = await request(server.handler).options('/items');
      expect(res.status).toBe(200);
      expect(res.headers.allow).toBe('GET, HEAD, POST');
      expect(res.headers['content-type']).toBe('text/plain');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text).toBe('GET, HEAD, POST');
    }
  });

  it('an OPTIONS route or an any-method route of the path answers itself', async () => {
    const server = routesOf(new Server({ autoOptions: 'express4' }));
    server.options('/items', (ctx) => ctx.text('own options', 204));
    server.get('/any', (ctx) => ctx.text('get'));
    server.all('/any', (ctx) => ctx.text(`all ${ctx.method}`));
    expect((await request(server.handler).options('/items')).status).toBe(204);
    const any = await request(server.handler).options('/any');
    expect(any.text).toBe('all OPTIONS');
    expect(any.headers.allow).toBeUndefined();
  });

  it('request middleware run first; one that answers (a CORS preflight) wins, without Allow', async () => {
    const server = routesOf(new Server({ autoOptions: 'express4' }));
    server.requestMiddleware((ctx) => {
      ctx.setHeader('x-request-id', 'r1');
      if (ctx.method === 'OPTIONS' && ctx.headers['access-control-request-method'] !== undefined) {
        ctx.setHeader('access-control-allow-origin', '*');
        ctx.status = 204;
        ctx.abort();
      }
    });
    const preflight = await request(server.handler).options('/items').set('access-control-request-method', 'POST');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers.allow).toBeUndefined();
    expect(preflight.text).toBe('');
    const plain = await request(server.handler).options('/items');
    expect(plain.status).toBe(200);
    expect(plain.headers['x-request-id']).toBe('r1');
    expect(plain.headers.allow).toBe('GET,HEAD,POST');
  });

  it('a path no route knows, and other methods, keep their answers (notFound, 405 or notFound by methodNotAllowed)', async () => {
    const server = routesOf(new Server({ autoOptions: 'express4', methodNotAllowed: false }));
    server.notFound((ctx) => ctx.text('custom 404', 404));
    expect((await request(server.handler).options('/nothing')).text).toBe('custom 404');
    expect((await request(server.handler).delete('/items')).text).toBe('custom 404');
    expect((await request(server.handler).options('/items')).text).toBe('GET,HEAD,POST');
  });

  it('covers routes of a Router mounted at a prefix, and takes a trailing slash as the path', async () => {
    const server = new Server({ autoOptions: 'express5' });
    const api = new Router();
    api.get('/users', (ctx) => ctx.json([]));
    api.delete('/users', (ctx) => ctx.text('cleared'));
    server.mount('/api', api);
    expect((await request(server.handler).options('/api/users/')).headers.allow).toBe('DELETE, GET, HEAD');
    expect((await request(server.handler).options('/users')).status).toBe(404);
  });

  it('a mounted Router holding a match answers with its own routes only, in stack order (routes it gets after the mount sit at the mount)', async () => {
    const server = new Server({ autoOptions: 'express4' });
    server.put('/api/users', (ctx) => ctx.text('outer put'));
    const api = new Router();
    api.delete('/users', (ctx) => ctx.text('gone'));
    server.mount('/api', api);
    server.post('/api/users', (ctx) => ctx.text('outer post'));
    server.patch('/api/other', (ctx) => ctx.text('outer patch'));
    api.get('/users', (ctx) => ctx.json([]));
    expect((await request(server.handler).options('/api/users')).headers.allow).toBe('DELETE,GET,HEAD');
    expect((await request(server.handler).options('/api/other')).headers.allow).toBe('PATCH');
  });

  it('rejects other values', () => {
    expect(() => new Server({ autoOptions: 'express3' as 'express4' })).toThrow(/autoOptions/);
  });
});

describe('RouteTree.matchingRoutes', () => {
  it('returns every route whose pattern matches, in registration order, tails included', () => {
    const tree = new RouteTree<number>();
    tree.add('GET', '/files/{rest:.*}', 1);
    tree.add('POST', '/files/{name}', 2);
    tree.add('PUT', '/files/readme', 3);
    tree.add('GET', '/other', 4);
    expect(tree.matchingRoutes('/files/readme').map((r) => r.value)).toEqual([1, 2, 3]);
    expect(tree.matchingRoutes('/files/a/b').map((r) => r.value)).toEqual([1]);
    expect(tree.matchingRoutes('/nothing')).toEqual([]);
  });
});

describe('malformedPath', () => {
  it("is 'reject' by default: 400 before any middleware", async () => {
    const server = new Server({ logErrors: false });
    let ran = false;
    server.requestMiddleware(() => {
      ran = true;
    });
    server.get('/files/{name}', (ctx) => ctx.text(ctx.params.name));
    const res = await request(server.handler).get('/files/%ZZ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('EXW_ERR_PATH_MALFORMED');
    expect(ran).toBe(false);
  });

  it("'express': middleware run on the path as sent; an unmatched one gets notFound", async () => {
    const server = new Server({ malformedPath: 'express' });
    const seen: string[] = [];
    server.requestMiddleware((ctx) => {
      seen.push(ctx.path);
    });
    server.get('/files/{name}', (ctx) => ctx.text(ctx.params.name));
    const res = await request(server.handler).get('/caf%C3%A9/%E0%A4%A');
    expect(res.status).toBe(404);
    expect(seen).toEqual(['/café/%E0%A4%A']);
    expect((await request(server.handler).get('/files/caf%C3%A9')).text).toBe('café');
  });

  it("'express': a route whose param holds the bad segment fails with Express's URIError (status and statusCode 400) after earlier middleware", async () => {
    const server = new Server({ malformedPath: 'express', logErrors: false });
    const trail: string[] = [];
    const errors: Array<Record<string, unknown>> = [];
    server.requestMiddleware(() => {
      trail.push('mw');
    });
    server.get('/files/{name}', () => {
      trail.push('route');
    });
    server.panicHook((ctx, err) => {
      const e = err as URIError & { status?: number; statusCode?: number };
      errors.push({ name: e.name, message: e.message, status: e.status, statusCode: e.statusCode });
      ctx.text(e.message, e.status);
    });
    const res = await request(server.handler).get('/files/%ZZ');
    expect(res.status).toBe(400);
    expect(res.text).toBe("Failed to decode param '%ZZ'");
    expect(errors).toEqual([{ name: 'URIError', message: "Failed to decode param '%ZZ'", status: 400, statusCode: 400 }]);
    expect(trail).toEqual(['mw']);
  });

  it('the error names the first param holding a bad segment, as sent (invalid UTF-8 too)', async () => {
    const server = new Server({ malformedPath: 'express', logErrors: false });
    let seen: Record<string, unknown> = {};
    server.get('/files/{dir}/{name}', (ctx) => ctx.text('never'));
    server.panicHook((ctx, err) => {
      const e = err as URIError & { status?: number; statusCode?: number };
      seen = { message: e.message, status: e.status, statusCode: e.statusCode };
    });
    const res = await request(server.handler).get('/files/ok/%C3%28');
    expect(res.status).toBe(400);
    expect(seen).toEqual({ message: "Failed to decode param '%C3%28'", status: 400, statusCode: 400 });
  });

  it('a route of another method whose param holds the segment fails the request too (Express matches the path first)', async () => {
    const server = new Server({ malformedPath: 'express', autoOptions: 'express4', logErrors: false });
    server.post('/files/{name}/archive', (ctx) => ctx.text('archived'));
    server.panicHook((ctx, err) => ctx.text((err as Error).message, (err as { status: number }).status));
    for (const method of ['get', 'options'] as const) {
      const res = await request(server.handler)[method]('/files/%ZZ/archive');
      expect(res.status).toBe(400);
      expect(res.text).toBe("Failed to decode param '%ZZ'");
    }
    expect((await request(server.handler).get('/files/%ZZ/other')).status).toBe(404);
  });

  it('still answers 400 for NUL, and rejects unknown modes', async () => {
    const server = new Server({ malformedPath: 'express', logErrors: false });
    server.get('/files/{name}', (ctx) => ctx.text(ctx.params.name));
    expect((await request(server.handler).get('/files/a%00b')).status).toBe(400);
    expect(() => new Server({ malformedPath: 'express4' as 'reject' })).toThrow(/malformedPath/);
  });

  it('normalizePath keeps only the segments that cannot be decoded', () => {
    expect(normalizePath('/a%20b/%ZZ/../c%2Fd/%E0%A4%A', true)).toBe('/a b/c%2Fd/%E0%A4%A');
    expect(normalizePath('/%2e%2e/%ZZ', true)).toBe('/%ZZ');
    expect(() => normalizePath('/%ZZ')).toThrow(expect.objectContaining({ code: 'EXW_ERR_PATH_MALFORMED' }));
    expect(holdsMalformedSegment('%ZZ')).toBe(true);
    expect(holdsMalformedSegment('a%2Fb%25')).toBe(false);
    expect(holdsMalformedSegment('plain')).toBe(false);
  });
});
