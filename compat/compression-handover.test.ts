/**
 * Answers written by Express code inside the runtime, under compress(opts,
 * compression), side by side with the same Express code under
 * app.use(compression(opts)) on real Express: status, headers (not Date)
 * and the raw, still encoded body bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import compression from 'compression';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '../runtime/index.js';
import { compress } from '../runtime/compress.js';
import type { RunningServer } from '../runtime/listen.js';
import { fromExpress } from './from-express.js';
import { fromExpressErrorHandler } from './from-express-error.js';
import { mountExpress } from './mount-express.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function request(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { connection: 'close', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = { ...res.headers };
        delete h.date;
        resolve({ status: res.statusCode!, headers: h, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const big = Array.from({ length: 500 }, (_, i) => ({ id: i, message: 'too many requests, slow down' }));
type Mw = (req: express.Request, res: express.Response, next: express.NextFunction) => void;

/** An Express middleware answering itself, as express-rate-limit's 429 does (res.status().json()). */
const limiter: Mw = (req, res, next) => {
  if (req.path.startsWith('/limited')) res.status(429).json(req.path === '/limited-big' ? big : { error: 'slow down' });
  else next();
};
/**
 * One that wraps res.end and lets later code answer, as express-session does: its wrapper must run once,
 * outside compression's (compression installed over it would call it again: the connection is cut then).
 */
const endWrapper: Mw = (_req, res, next) => {
  const end = res.end;
  let calls = 0;
  res.end = function (this: express.Response, ...args: any[]) {
    if (++calls > 1) {
      this.destroy(new Error('the end wrapper ran twice'));
      return this;
    }
    return (end as (...a: any[]) => express.Response).apply(this, args);
  } as express.Response['end'];
  next();
};
/** One that sets headers and lets the route answer, as cors does. */
const corsLike: Mw = (_req, res, next) => {
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Origin', '*');
  next();
};
const legacy = express.Router();
legacy.get('/legacy/big', (_req, res) => res.json(big));
legacy.get('/legacy/text', (_req, res) => res.type('text').send('legacy answer'));
legacy.get('/legacy/stream', (_req, res) => {
  res.type('text/plain');
  for (let i = 0; i < 50; i++) res.write(`chunk ${i} ${'-'.repeat(40)}\n`);
  res.end();
});
legacy.get('/wrapped/legacy', (_req, res) => res.json(big));
legacy.get('/legacy/fail', () => {
  throw Object.assign(new Error('boom'), { status: 503 });
});
const errorHandler = (err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  res.status(err.status ?? 500).json({ error: 'failed', detail: big.slice(0, 60) });
};

let expressPort = 0;
let runtimePort = 0;
let httpServer: http.Server;
let running: RunningServer;
let withResponseMw: RunningServer;

/** What req.app is for the bridged middleware: ETags off, as in the Express app (runtime routes send none). */
const settings = express();
settings.set('etag', false);

function runtime(responseMiddleware: boolean): Server {
  const server = new Server();
  server.requestMiddleware(compress({ threshold: 1024 }, compression));
  if (responseMiddleware) server.responseMiddleware(() => {});
  // A native middleware's header in the builder, as a cors counterpart's Vary: Origin.
  server.requestMiddleware((ctx) => {
    if (ctx.path === '/limited-vary') ctx.setHeader('vary', 'Origin');
  });
  server.requestMiddleware('/wrapped', fromExpress(endWrapper, { path: '/wrapped', app: settings }));
  server.requestMiddleware(fromExpress(limiter, { app: settings }));
  server.requestMiddleware('/api', fromExpress(corsLike, { path: '/api', app: settings }));
  server.get('/api/big', (ctx) => ctx.json(big));
  server.get('/api/small', (ctx) => ctx.json({ ok: true }));
  server.get('/wrapped/native', (ctx) => ctx.json(big));
  server.get('/api/fail', () => {
    throw Object.assign(new Error('boom'), { status: 503 });
  });
  server.panicHook(fromExpressErrorHandler(errorHandler, { app: settings }));
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(legacy);
  app.use(errorHandler);
  server.requestMiddleware(mountExpress(app));
  return server;
}

beforeAll(async () => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(compression({ threshold: 1024 }));
  app.use((req, res, next) => {
    if (req.path === '/limited-vary') res.setHeader('Vary', 'Origin');
    next();
  });
  app.use('/wrapped', endWrapper);
  app.use(limiter);
  app.use('/api', corsLike);
  app.get('/api/big', (_req, res) => res.json(big));
  app.get('/api/small', (_req, res) => res.json({ ok: true }));
  app.get('/wrapped/native', (_req, res) => res.json(big));
  app.get('/api/fail', () => {
    throw Object.assign(new Error('boom'), { status: 503 });
  });
  app.use(legacy);
  app.use(errorHandler);
  httpServer = http.createServer(app);
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  expressPort = (httpServer.address() as AddressInfo).port;
  running = await runtime(false).listen({ port: 0, host: '127.0.0.1' });
  runtimePort = running.port;
  withResponseMw = await runtime(true).listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await running.close();
  await withResponseMw.close();
  await new Promise((r) => httpServer.close(r));
});

const PATHS = ['/limited', '/limited-vary', '/wrapped/native', '/wrapped/legacy', '/limited-big', '/api/big', '/api/small', '/api/fail', '/legacy/big', '/legacy/text', '/legacy/stream', '/legacy/fail'];
const ACCEPTS = [{ 'accept-encoding': 'gzip' }, { 'accept-encoding': 'br' }, { 'accept-encoding': 'deflate, gzip' }, {}];

describe('compress() with Express code answering inside the runtime', () => {
  for (const [name, port] of [['head hook (no response middleware)', () => runtimePort], ['capture (response middleware)', () => withResponseMw.port]] as const) {
    it(`${name}: the same bytes as compression on Express`, async () => {
      const encodings = new Set<unknown>();
      for (const path of PATHS) {
        for (const headers of ACCEPTS) {
          for (const method of ['GET', 'HEAD']) {
            const want = await request(expressPort, path, headers, method);
            const got = await request(port(), path, headers, method);
            expect({ path, headers, method, status: got.status, h: got.headers }).toEqual({ path, headers, method, status: want.status, h: want.headers });
            expect(got.body.equals(want.body), `${method} ${path} ${JSON.stringify(headers)}`).toBe(true);
            encodings.add(got.headers['content-encoding']);
          }
        }
      }
      expect(encodings).toEqual(new Set(['gzip', 'br', undefined]));
    });
  }

  it('a 429 from a bridged middleware is compressed above the threshold and carries Vary below it', async () => {
    const bigOne = await request(runtimePort, '/limited-big', { 'accept-encoding': 'gzip' });
    expect(bigOne.status).toBe(429);
    expect(bigOne.headers['content-encoding']).toBe('gzip');
    const small = await request(runtimePort, '/limited', { 'accept-encoding': 'gzip' });
    expect(small.headers.vary).toBe('Accept-Encoding');
    expect(small.headers['content-encoding']).toBeUndefined();
    // The builder's Vary (a native middleware's) joins compression's, as in the Express app.
    expect((await request(runtimePort, '/limited-vary', { 'accept-encoding': 'gzip' })).headers.vary).toBe('Origin, Accept-Encoding');
  });
});
