/**
 * fromExpress on a server without response middleware: Express code writes
 * straight to the socket through the head hook (response-capture.ts
 * installHeadHook), not the full capture. What the runtime and Express each
 * put on the response must still meet, as with the capture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'expressway/runtime';
import { fromExpress } from 'expressway/compat';
import { serve, type Served } from './__testfixtures__/serve.js';

describe('fromExpress without response middleware (head hook)', () => {
  let served: Served;

  beforeAll(async () => {
    const server = new Server({ logErrors: false });
    server.requestMiddleware((ctx) => {
      ctx.setHeader('x-request-id', 'rid-1');
      ctx.setHeader('x-who', 'runtime');
      ctx.setCookie('fromRuntime', '1');
    });
    server.requestMiddleware('/express-answers', fromExpress((_req: any, res: any) => {
      res.cookie('fromExpress', '2');
      res.set('x-who', 'express');
      res.status(202).json({ answered: 'by express' });
    }));
    server.get('/express-answers', (ctx) => ctx.text('route must not run'));

    server.requestMiddleware('/runtime-answers', fromExpress((_req: any, res: any, next: any) => {
      res.cookie('fromExpress', '2');
      res.set('x-express', 'yes');
      next();
    }));
    server.get('/runtime-answers', (ctx) => {
      ctx.setCookie('fromRoute', '3');
      ctx.json({ answered: 'by runtime' });
    });

    server.requestMiddleware('/later', fromExpress((_req: any, res: any) => {
      setTimeout(() => res.status(200).send('answered later'), 20);
    }));
    server.get('/later', (ctx) => ctx.text('route must not run'));

    server.requestMiddleware('/stream', fromExpress((_req: any, res: any) => {
      res.type('text/plain');
      res.write('one,');
      setTimeout(() => res.end('two'), 10);
    }));
    server.get('/stream', (ctx) => ctx.text('route must not run'));

    server.requestMiddleware('/query', fromExpress((req: any, _res: any, next: any) => {
      req.query = { ...req.query, seenBy: 'first' };
      next();
    }));
    server.requestMiddleware('/query', fromExpress((req: any, res: any) => res.json(req.query)));
    server.get('/query', (ctx) => ctx.text('route must not run'));
    served = await serve(server);
  });
  afterAll(() => served.close());

  it("an Express answer carries the builder's headers and cookies next to its own; Express wins a header both set", async () => {
    const res = await fetch(`${served.url}/express-answers`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ answered: 'by express' });
    expect(res.headers.get('x-request-id')).toBe('rid-1');
    expect(res.headers.get('x-who')).toBe('express');
    expect(res.headers.getSetCookie()).toEqual(['fromRuntime=1; Path=/', 'fromExpress=2; Path=/']);
  });

  it("a runtime answer keeps the headers and cookies Express set before next()", async () => {
    const res = await fetch(`${served.url}/runtime-answers`);
    expect(await res.json()).toEqual({ answered: 'by runtime' });
    expect(res.headers.get('x-express')).toBe('yes');
    expect(res.headers.get('x-request-id')).toBe('rid-1');
    expect(res.headers.getSetCookie().sort()).toEqual(['fromExpress=2; Path=/', 'fromRoute=3; Path=/', 'fromRuntime=1; Path=/'].sort());
  });

  it('the pipeline waits for an Express answer written later, and for a streamed one', async () => {
    const later = await fetch(`${served.url}/later`);
    expect(await later.text()).toBe('answered later');
    expect(later.headers.get('x-request-id')).toBe('rid-1');
    const stream = await fetch(`${served.url}/stream`);
    expect(await stream.text()).toBe('one,two');
    expect(stream.headers.get('x-request-id')).toBe('rid-1');
  });

  it("Express 4's req.query is parsed per request and keeps what middleware assign to it", async () => {
    const [a, b] = await Promise.all([fetch(`${served.url}/query?n=1`), fetch(`${served.url}/query?n=2&tag[x]=y`)]);
    expect(await a.json()).toEqual({ n: '1', seenBy: 'first' });
    expect(await b.json()).toEqual({ n: '2', tag: { x: 'y' }, seenBy: 'first' });
  });
});
