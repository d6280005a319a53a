/**
 * Side by side with real Express 4 (the project's) and Express 5
 * (fixtures/ts-express5's): the runtime's autoOptions and malformedPath,
 * set as a migrated app sets them, answer what the Express app answers
 * (status, headers but Date/ETag/X-Powered-By/Connection/Keep-Alive, which
 * the runtime never sends or sends its own way, and body). The runtime apps
 * are written as the codemod writes them: an app without its own 404
 * handler mounts an empty legacy Express app last for Express's 404 page.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type RequestListener, type Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Router, Server, serveStatic } from '../runtime/index.js';
import { fromExpress } from './from-express.js';
import { mountExpress } from './mount-express.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
const requireHere = createRequire(import.meta.url);
const cors = requireHere('cors') as () => any;
const MAJORS = {
  4: requireHere('express') as any,
  5: createRequire(join(repo, 'fixtures/ts-express5/package.json'))('express') as any,
} as const;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const IGNORED = new Set(['date', 'etag', 'x-powered-by', 'connection', 'keep-alive']);

/** A raw request: the path goes out exactly as written (no URL parser re-encodes it). */
function send(server: HttpServer, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const kept = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !IGNORED.has(name)));
        resolve({ status: res.statusCode!, headers: kept, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const servers: HttpServer[] = [];
async function listen(handler: RequestListener): Promise<HttpServer> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const staticDir = mkdtempSync(join(tmpdir(), 'exw-h4-static-'));
// .bin: send 0.x (Express 4) and 1.x (the runtime) spell a text type's charset differently (docs/codemod-rules.md).
writeFileSync(join(staticDir, 'hello.bin'), 'hello\n');
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

/** No 404 handler of its own: Express's router answers OPTIONS, its final handler the rest. */
function expressRoutesApp(express: any): RequestListener {
  const app = express();
  app.use('/cors', cors());
  app.get('/health', (_req: any, res: any) => res.json({ ok: true }));
  app.get('/items', (_req: any, res: any) => res.json([]));
  app.post('/items', (_req: any, res: any) => res.status(201).json({}));
  app.delete('/items/:id', (_req: any, res: any) => res.sendStatus(204));
  app.get('/items/:id', (req: any, res: any) => res.json({ id: req.params.id }));
  app.all('/any', (req: any, res: any) => res.send(`all ${req.method}`));
  app.get('/opt', (_req: any, res: any) => res.send('opt'));
  app.options('/opt', (_req: any, res: any) => res.status(204).end());
  app.get(/^\/re\/\d+$/, (_req: any, res: any) => res.send('re'));
  app.put('/cors/thing', (_req: any, res: any) => res.send('put'));
  // A mounted router with a match answers OPTIONS with its own routes' methods only.
  app.put('/api/users', (_req: any, res: any) => res.send('outer put'));
  const api = express.Router();
  api.get('/users', (_req: any, res: any) => res.json([]));
  api.delete('/users', (_req: any, res: any) => res.sendStatus(204));
  app.use('/api', api);
  app.post('/api/users', (_req: any, res: any) => res.send('outer post'));
  app.patch('/api/other', (_req: any, res: any) => res.send('outer patch'));
  return app;
}

function runtimeRoutesApp(express: any, major: 4 | 5): RequestListener {
  const style = major === 4 ? 'express4' : 'express5';
  const app = new Server({ autoOptions: style, malformedPath: 'express' });
  const legacyApp = express();
  app.requestMiddleware('/cors', fromExpress(cors()));
  app.get('/health', (ctx) => ctx.json({ ok: true }));
  app.get('/items', (ctx) => ctx.json([]));
  app.post('/items', (ctx) => ctx.json({}, 201));
  app.delete('/items/{id}', (ctx) => {
    ctx.status = 204;
  });
  app.get('/items/{id}', (ctx) => ctx.json({ id: ctx.params.id }));
  app.all('/any', (ctx) => ctx.html(`all ${ctx.method}`));
  app.get('/opt', (ctx) => ctx.html('opt'));
  app.options('/opt', (ctx) => {
    ctx.status = 204;
  });
  app.get('/re/{n:\\d+}', (ctx) => ctx.html('re'));
  app.put('/cors/thing', (ctx) => ctx.html('put'));
  app.put('/api/users', (ctx) => ctx.html('outer put'));
  const api = new Router();
  api.get('/users', (ctx) => ctx.json([]));
  api.delete('/users', (ctx) => {
    ctx.status = 204;
  });
  app.mount('/api', api);
  app.post('/api/users', (ctx) => ctx.html('outer post'));
  app.patch('/api/other', (ctx) => ctx.html('outer patch'));
  app.requestMiddleware(mountExpress(legacyApp));
  return app.handler;
}

/** Its own 404 and error handlers: they answer unknown and malformed paths and the param decode error. */
function expressHandlersApp(express: any): RequestListener {
  const app = express();
  app.use((_req: any, res: any, next: any) => {
    res.set('x-middleware', 'ran');
    next();
  });
  app.use('/static', express.static(staticDir));
  app.get('/files/:name', (req: any, res: any) => res.json({ name: req.params.name }));
  app.post('/files/:name/archive', (req: any, res: any) => res.json({ archived: req.params.name }));
  app.use((req: any, res: any) => res.status(404).json({ error: 'not found', path: req.path }));
  app.use((err: any, _req: any, res: any, _next: any) =>
    res.status(err.status || 500).json({ name: err.name, message: err.message, status: err.status, statusCode: err.statusCode ?? null }));
  return app;
}

function runtimeHandlersApp(major: 4 | 5): RequestListener {
  const app = new Server({ malformedPath: 'express', methodNotAllowed: false });
  app.requestMiddleware((ctx) => ctx.setHeader('x-middleware', 'ran'));
  app.requestMiddleware(serveStatic(staticDir, { prefix: '/static' }));
  app.get('/files/{name}', (ctx) => ctx.json({ name: ctx.params.name }));
  app.post('/files/{name}/archive', (ctx) => ctx.json({ archived: ctx.params.name }));
  app.notFound((ctx) => ctx.json({ error: 'not found', path: ctx.path }, 404));
  app.panicHook((ctx, err) => {
    const e = err as Error & { status?: number; statusCode?: number };
    ctx.json({ name: e.name, message: e.message, status: e.status, statusCode: e.statusCode ?? null }, e.status || 500);
  });
  return app.handler;
}

/**
 * Routes left on a legacy app mounted last: Express's router answers OPTIONS
 * for its own routes, and an error on the way goes to Express's final handler.
 */
function expressLegacyApp(express: any): RequestListener {
  const app = express();
  app.set('env', 'production');
  app.get('/native', (_req: any, res: any) => res.send('native'));
  app.put('/legacy', (_req: any, res: any) => res.send('legacy'));
  app.use('/native/boom', (_req: any, _res: any, next: any) => next(new Error('boom')));
  return app;
}

function runtimeLegacyApp(express: any, major: 4 | 5): RequestListener {
  const app = new Server({ autoOptions: major === 4 ? 'express4' : 'express5', malformedPath: 'express' });
  const legacyApp = express();
  legacyApp.set('env', 'production');
  app.get('/native', (ctx) => ctx.html('native'));
  app.get('/native/boom', (ctx) => ctx.html('native boom'));
  legacyApp.put('/legacy', (_req: any, res: any) => res.send('legacy'));
  legacyApp.use('/native/boom', (_req: any, _res: any, next: any) => next(new Error('boom')));
  app.requestMiddleware(mountExpress(legacyApp));
  return app.handler;
}

const LEGACY_CASES: Array<[string, string]> = [
  ['OPTIONS', '/native'],
  ['OPTIONS', '/legacy'],
  ['OPTIONS', '/native/boom'],
  ['GET', '/nothing'],
];

const PREFLIGHT = { origin: 'http://example.test', 'access-control-request-method': 'PUT' };

const ROUTES_CASES: Array<[string, string, Record<string, string>?]> = [
  ['OPTIONS', '/health'],
  ['OPTIONS', '/items'],
  ['OPTIONS', '/items/'],
  ['OPTIONS', '/items/7'],
  ['OPTIONS', '/any'],
  ['OPTIONS', '/opt'],
  ['OPTIONS', '/re/12'],
  ['OPTIONS', '/api/users'],
  ['OPTIONS', '/api/other'],
  ['OPTIONS', '/cors/thing', PREFLIGHT],
  ['OPTIONS', '/nothing'],
  ['GET', '/items'],
  ['DELETE', '/health'],
  ['GET', '/nothing'],
  ['GET', '/%ZZ'],
  ['GET', '/health/%E0%A4%A'],
  ['OPTIONS', '/%ZZ'],
];

const HANDLERS_CASES: Array<[string, string]> = [
  ['GET', '/files/%ZZ'],
  ['GET', '/files/%E0%A4%A'],
  ['GET', '/files/%C3%28'],
  ['GET', '/files/caf%C3%A9'],
  ['GET', '/%ZZ'],
  ['GET', '/x/%ZZ/y'],
  ['GET', '/static/%ZZ'],
  ['GET', '/static/hello.bin'],
  ['OPTIONS', '/files/x'],
  // Express matches the path (decoding params) before it checks the method.
  ['GET', '/files/%ZZ/archive'],
  ['OPTIONS', '/files/%ZZ'],
  ['DELETE', '/files/%E0%A4%A'],
];

for (const major of [4, 5] as const) {
  describe(`Express ${major} and the runtime side by side`, () => {
    const express = MAJORS[major];
    let pairs: Record<'routes' | 'handlers' | 'legacy', [HttpServer, HttpServer]>;

    beforeAll(async () => {
      expect(express.application !== undefined && typeof express.Router === 'function').toBe(true);
      pairs = {
        routes: [await listen(expressRoutesApp(express)), await listen(runtimeRoutesApp(express, major))],
        handlers: [await listen(expressHandlersApp(express)), await listen(runtimeHandlersApp(major))],
        legacy: [await listen(expressLegacyApp(express)), await listen(runtimeLegacyApp(express, major))],
      };
    });

    it('is the Express major it says', () => {
      const version = createRequire(express.application === MAJORS[4].application ? requireHere.resolve('express') : join(repo, 'fixtures/ts-express5/package.json'))('express/package.json').version as string;
      expect(version.split('.')[0]).toBe(String(major));
    });

    it.each(ROUTES_CASES)('without a 404 handler: %s %s', async (method, path, headers) => {
      const [original, migrated] = pairs.routes;
      const want = await send(original, method, path, headers);
      const got = await send(migrated, method, path, headers);
      expect(got).toEqual(want);
    });

    it.each(HANDLERS_CASES)('with 404 and error handlers: %s %s', async (method, path) => {
      const [original, migrated] = pairs.handlers;
      const want = await send(original, method, path);
      const got = await send(migrated, method, path);
      expect(got).toEqual(want);
    });

    it.each(LEGACY_CASES)('with routes left on a legacy app: %s %s', async (method, path) => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const [original, migrated] = pairs.legacy;
        const want = await send(original, method, path);
        const got = await send(migrated, method, path);
        expect(got).toEqual(want);
        // Express logs the error it answers 500 for ('production' env), once per app, from a setImmediate (finalhandler).
        await new Promise((resolve) => setImmediate(resolve));
        expect(logged).toHaveBeenCalledTimes(path === '/native/boom' ? 2 : 0);
      } finally {
        logged.mockRestore();
      }
    });
  });
}
