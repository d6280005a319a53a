/**
 * How the pipeline resumes after a function returns a thenable: in order,
 * once, from the right step and phase, with failures routed to the hooks.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Server } from './index.js';

type Trail = { trail: string[] };

function mark(name: string) {
  return (ctx: { state: Partial<Trail> }) => {
    (ctx.state.trail ??= []).push(name);
  };
}

function later(name: string, ms = 1) {
  return async (ctx: { state: Partial<Trail> }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    (ctx.state.trail ??= []).push(name);
  };
}

describe('resuming after a thenable', () => {
  it('mixes sync and async request steps, route and response middleware in order', async () => {
    const server = new Server<Trail>({ logErrors: false });
    server.requestMiddleware(mark('sync1'));
    server.requestMiddleware(later('async1'));
    server.requestMiddleware(mark('sync2'));
    server.requestMiddleware(async (ctx) => void ctx.state.trail.push('async-no-await'));
    server.get('/x', later('route-mw', 2), (ctx) => ctx.json([...ctx.state.trail]));
    server.responseMiddleware(mark('resp-sync'));
    server.responseMiddleware(later('resp-async'));
    server.responseMiddleware((ctx) => ctx.setHeader('x-trail', ctx.state.trail.join(',')));
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(200);
    // The body is what the route saw; the header is the whole trail, response middleware included.
    expect(res.body).toEqual(['sync1', 'async1', 'sync2', 'async-no-await', 'route-mw']);
    expect(res.headers['x-trail']).toBe('sync1,async1,sync2,async-no-await,route-mw,resp-sync,resp-async');
  });

  it('adopts a foreign thenable once, as await does, even if it calls back twice or synchronously', async () => {
    const server = new Server<Trail>({ logErrors: false });
    let routeRuns = 0;
    server.requestMiddleware(() => ({
      then(resolve: (v: unknown) => void) {
        resolve(1);
        resolve(2);
      },
    }));
    server.get('/x', (ctx) => {
      routeRuns++;
      ctx.text('ok');
    });
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(routeRuns).toBe(1);
  });

  it('a rejection in a request step reaches the panic hook; later steps and the route do not run, response middleware do', async () => {
    const server = new Server<Trail>({ logErrors: false });
    const seen: string[] = [];
    server.panicHook((ctx, err) => {
      seen.push(`panic:${(err as Error).message}`);
      ctx.json({ failed: true }, 503);
    });
    server.requestMiddleware(later('first'));
    server.requestMiddleware(async () => {
      throw new Error('boom');
    });
    server.requestMiddleware(() => void seen.push('after'));
    server.get('/x', () => void seen.push('route'));
    server.responseMiddleware((ctx) => ctx.setHeader('x-resp', 'ran'));
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ failed: true });
    expect(res.headers['x-resp']).toBe('ran');
    expect(seen).toEqual(['panic:boom']);
  });

  it('a rejection in async response middleware is a 500 without running the response middleware again', async () => {
    const server = new Server<Trail>({ logErrors: false });
    let responseRuns = 0;
    server.get('/x', later('route'), (ctx) => ctx.json({ ok: true }));
    server.responseMiddleware(async () => {
      responseRuns++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('late');
    });
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
    expect(responseRuns).toBe(1);
  });

  it('a synchronous throw after an async step is handled like one before it', async () => {
    const server = new Server({ logErrors: false });
    server.requestMiddleware(later('wait'));
    server.get('/x', () => {
      throw Object.assign(new Error('teapot'), { status: 418 });
    });
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(418);
    expect(res.body).toMatchObject({ statusCode: 418, message: 'teapot' });
  });

  it('ctx.abort() in an async step skips the remaining steps', async () => {
    const server = new Server<Trail>({ logErrors: false });
    let routeRan = false;
    server.requestMiddleware(async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      ctx.json({ stopped: true }, 401);
      ctx.abort();
    });
    server.get('/x', () => {
      routeRan = true;
    });
    const res = await request(server.handler).get('/x');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ stopped: true });
    expect(routeRan).toBe(false);
  });

  it('keeps requests apart when many are in flight on one server', async () => {
    const server = new Server<{ id: string }>({ logErrors: false });
    server.requestMiddleware(async (ctx) => {
      ctx.state.id = ctx.params.id ?? '';
      // Finish out of order: later ids wait less.
      await new Promise((resolve) => setTimeout(resolve, 20 - Number(ctx.state.id)));
    });
    server.get('/n/{id}', async (ctx) => ctx.json({ id: ctx.state.id, param: ctx.params.id }));
    const ids = Array.from({ length: 20 }, (_, i) => String(i));
    const answers = await Promise.all(ids.map((id) => request(server.handler).get(`/n/${id}`)));
    expect(answers.map((r) => r.body)).toEqual(ids.map((id) => ({ id, param: id })));
  });
});
