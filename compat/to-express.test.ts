import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'expressway/runtime';
import { toExpress } from 'expressway/compat';

async function listen(app: any): Promise<{ url: string; server: HttpServer }> {
  const server: HttpServer = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('toExpress', () => {
  let base: { url: string; server: HttpServer };
  let errorsToExpress: { url: string; server: HttpServer };

  beforeAll(async () => {
    const runtime = new Server({ logErrors: false });
    const mw = toExpress(runtime);
    runtime.requestMiddleware((ctx) => ctx.setHeader('x-runtime-mw', 'yes'));
    runtime.get('/migrated/{id}', (ctx) => ctx.json({ id: ctx.params.id, user: (ctx.state as any).user, locals: (ctx.state as any).fromExpress }));
    runtime.post('/echo', async (ctx) => ctx.json({ body: await ctx.json(), requestBody: ctx.requestBody }));
    runtime.get('/fails', () => {
      throw new Error('runtime route failed');
    });
    runtime.get('/state', (ctx) => {
      (ctx.state as any).user = { name: 'set by runtime' };
      ctx.res.setHeader('x-after', 'x');
      ctx.json({ ok: true });
    });
    const app = express();
    app.use(express.json());
    app.use((req: any, res: any, next: any) => {
      req.user = { name: 'passport-like' };
      res.locals.fromExpress = 'locals';
      next();
    });
    app.use(mw);
    app.get('/legacy', (_req, res) => res.send('legacy route'));
    app.get('/migrated/:id', (_req, res) => res.send('shadowed legacy route'));
    app.post('/echo', (_req, res) => res.send('legacy echo'));
    app.use((err: Error, _req: any, res: any, _next: any) => res.status(599).send(`express handler: ${err.message}`));
    base = await listen(app);

    const runtime2 = new Server({ logErrors: false });
    const mw2 = toExpress(runtime2, { errors: 'express' });
    runtime2.get('/fails', () => {
      throw new Error('runtime route failed');
    });
    const app2 = express();
    app2.use(mw2);
    app2.use((err: Error, _req: any, res: any, _next: any) => res.status(599).send(`express handler: ${err.message}`));
    errorsToExpress = await listen(app2);
  });
  afterAll(async () => {
    for (const s of [base, errorsToExpress]) await new Promise((r) => s.server.close(r));
  });

  it('serves runtime routes inside Express and falls through to the next Express middleware otherwise', async () => {
    const a = await fetch(`${base.url}/migrated/42`);
    expect(a.headers.get('x-runtime-mw')).toBe('yes');
    expect(await a.json()).toEqual({ id: '42', user: { name: 'passport-like' }, locals: 'locals' });
    const b = await fetch(`${base.url}/legacy`);
    expect(b.headers.get('x-runtime-mw')).toBeNull();
    expect(await b.text()).toBe('legacy route');
  });

  it('body ownership: what express.json() parsed is what ctx.json() and ctx.requestBody return, without hanging', async () => {
    const res = await fetch(`${base.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }) });
    expect(await res.json()).toEqual({ body: { a: 1 }, requestBody: { a: 1 } });
  });

  it("errors of runtime routes go to the runtime's panic handling by default", async () => {
    const res = await fetch(`${base.url}/fails`);
    expect(res.status).toBe(500);
    expect((await res.json()).error).toBe('Internal Server Error');
  });

  it("errors: 'express' sends runtime errors to Express's error middleware", async () => {
    const res = await fetch(`${errorsToExpress.url}/fails`);
    expect(res.status).toBe(599);
    expect(await res.text()).toBe('express handler: runtime route failed');
  });

  it('a non-canonical target never reaches a runtime route (Express decides)', async () => {
    const res = await fetch(`${base.url}/migrated/%34%32`);
    expect(await res.text()).toBe('shadowed legacy route');
  });
});
