/**
 * Paths are normalised once, the same way, for routing and for mount
 * matching (GHSA-3wf5-7852-vcfq: @fastify/express let `//admin`,
 * `/admin;x`, `/%61dmin`... reach routes past path-scoped middleware).
 * Every payload must end in the auth middleware's 401 or in a 404, never in
 * the protected answer, whichever side scopes the auth and whichever side
 * owns the route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'expressway/runtime';
import { fromExpress, mountExpress, toExpress } from 'expressway/compat';
import { rawGet, serve, type Served } from './__testfixtures__/serve.js';

/** Every way to spell a path under /admin that a second normaliser might read differently. */
function payloads(target: string): string[] {
  const rest = target.slice('/admin'.length); // '' or '/runtime'
  return [
    `//admin${rest}`,
    `/admin;x${rest}`,
    `/%61dmin${rest}`,
    `/ADMIN${rest}`,
    `/Admin${rest}`,
    `${target}/`,
    `/admin%2f${rest.slice(1)}`,
    `${target}%2f`,
    `/./admin${rest}`,
    `${target}/.`,
    `/%2e/admin${rest}`,
    `/%2E%2E/admin${rest}`,
    `/x/../admin${rest}`,
    `/x/%2e%2e/admin${rest}`,
    `/admin/.${rest}`,
    `///admin//${rest.slice(1)}`,
    `${target};x`,
    `${target}?admin=1`,
  ];
}

const SECRET = /secret/;

function runtimeAuth(ctx: any): void {
  if (ctx.header('x-token') !== 'ok') {
    ctx.status = 401;
    ctx.text('denied by runtime');
    ctx.abort();
  }
}

function expressAuth(req: any, res: any, next: any): void {
  if (req.get('x-token') !== 'ok') res.status(401).send('denied by express');
  else next();
}

function legacy(withAuth: boolean) {
  const app = express();
  if (withAuth) app.use('/admin', expressAuth);
  app.get('/admin/legacy', (_req, res) => res.send('legacy secret'));
  return app;
}

function runtimeRoutes(server: Server<any>): void {
  server.get('/admin', (ctx) => ctx.text('runtime secret'));
  server.get('/admin/runtime', (ctx) => ctx.text('runtime secret'));
}

async function listenExpress(app: any): Promise<{ port: number; close: () => Promise<void> }> {
  const s: HttpServer = await new Promise((resolve) => {
    const h = app.listen(0, '127.0.0.1', () => resolve(h));
  });
  return { port: (s.address() as AddressInfo).port, close: () => new Promise((r) => s.close(() => r())) };
}

const setups: Record<string, { targets: string[]; start: () => Promise<{ port: number; close: () => Promise<void> }> }> = {
  'runtime-scoped auth, runtime routes and legacy routes (mountExpress)': {
    targets: ['/admin', '/admin/runtime', '/admin/legacy'],
    start: async () => {
      const server = new Server();
      server.requestMiddleware('/admin', runtimeAuth);
      runtimeRoutes(server);
      server.requestMiddleware(mountExpress(legacy(false)));
      const s: Served = await serve(server);
      return { port: s.port, close: s.close };
    },
  },
  'Express-scoped auth through fromExpress, runtime routes and legacy routes (mountExpress)': {
    targets: ['/admin', '/admin/runtime', '/admin/legacy'],
    start: async () => {
      const server = new Server();
      server.requestMiddleware(fromExpress(express.Router().use('/admin', expressAuth)));
      runtimeRoutes(server);
      server.requestMiddleware(mountExpress(legacy(false)));
      const s = await serve(server);
      return { port: s.port, close: s.close };
    },
  },
  'Express-scoped auth inside the legacy app (mountExpress)': {
    targets: ['/admin/legacy'],
    start: async () => {
      const server = new Server();
      server.requestMiddleware(mountExpress(legacy(true)));
      const s = await serve(server);
      return { port: s.port, close: s.close };
    },
  },
  'Express-scoped auth in front of toExpress, runtime routes and legacy routes': {
    targets: ['/admin', '/admin/runtime', '/admin/legacy'],
    start: async () => {
      const runtime = new Server();
      runtimeRoutes(runtime);
      const app = express();
      app.use('/admin', expressAuth);
      app.use(toExpress(runtime));
      app.get('/admin/legacy', (_req, res) => res.send('legacy secret'));
      return listenExpress(app);
    },
  },
  'runtime-scoped auth behind toExpress, runtime routes': {
    targets: ['/admin', '/admin/runtime'],
    start: async () => {
      const runtime = new Server();
      const mw = toExpress(runtime);
      runtime.requestMiddleware('/admin', runtimeAuth);
      runtimeRoutes(runtime);
      const app = express();
      app.use(mw);
      return listenExpress(app);
    },
  },
};

for (const [name, setup] of Object.entries(setups)) {
  describe(`path bypass (GHSA-3wf5-7852-vcfq): ${name}`, () => {
    let target: { port: number; close: () => Promise<void> };
    beforeAll(async () => {
      target = await setup.start();
    });
    afterAll(() => target.close());

    it('the canonical paths are protected and reachable with the token (the test can fail)', async () => {
      for (const path of setup.targets) {
        const denied = await rawGet(target.port, path);
        expect(denied.status, path).toBe(401);
        const allowed = await rawGet(target.port, path, { 'x-token': 'ok' });
        expect(allowed.status, path).toBe(200);
        expect(allowed.body, path).toMatch(SECRET);
      }
    });

    it('no payload reaches a protected answer without the token', async () => {
      const leaks: string[] = [];
      for (const path of setup.targets) {
        for (const payload of payloads(path)) {
          const res = await rawGet(target.port, payload);
          if (SECRET.test(res.body) || ![400, 401, 404].includes(res.status)) leaks.push(`${payload} -> ${res.status} ${res.body.slice(0, 40)}`);
        }
      }
      expect(leaks).toEqual([]);
    });
  });
}
