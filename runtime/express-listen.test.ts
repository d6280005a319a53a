import { afterEach, describe, expect, it } from 'vitest';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, jsonBody } from './index.js';

let opened: HttpServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (opened ? opened.close(() => resolve()) : resolve()));
  opened = undefined;
});

function listenLikeExpress(server: Server): Promise<string> {
  return new Promise((resolve) => {
    // Exactly what a migrated server.js does with the exported handler.
    opened = server.handler.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(opened!.address() as AddressInfo).port}`);
    });
  });
}

describe('server.handler.listen (Express-shaped, for migrated entry files)', () => {
  it('listens with Express arguments and serves the runtime routes', async () => {
    const server = new Server();
    server.get('/hello/{name}', (ctx) => ctx.json({ hello: ctx.params.name }));
    const url = await listenLikeExpress(server);
    const res = await fetch(`${url}/hello/ada`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: 'ada' });
  });

  it('attaches the runtime timeouts to the http.Server it returns', async () => {
    const server = new Server({ keepAliveTimeout: 1234 });
    await listenLikeExpress(server);
    expect(opened!.keepAliveTimeout).toBe(1234);
  });
});

describe('body errors keep body-parser conventions for migrated error handlers', () => {
  it('carries status, statusCode, expose and type', async () => {
    const server = new Server();
    server.requestMiddleware(jsonBody());
    server.post('/echo', (ctx) => ctx.json(ctx.requestBody));
    server.panicHook((ctx, err) => {
      const e = err as { status?: number; statusCode?: number; expose?: boolean; type?: string };
      ctx.json({ status: e.status, statusCode: e.statusCode, expose: e.expose, type: e.type }, e.status ?? 500);
    });
    server.requestErrorHook((ctx, err) => {
      const e = err as { status?: number; statusCode?: number; expose?: boolean; type?: string };
      ctx.json({ status: e.status, statusCode: e.statusCode, expose: e.expose, type: e.type }, e.status ?? 500);
    });
    const url = await listenLikeExpress(server);
    const res = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken"' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: 400, statusCode: 400, expose: true, type: 'entity.parse.failed' });
  });
});
