/**
 * The production middleware stack most Express apps carry (helmet, morgan,
 * compression, cors, express-rate-limit), each through fromExpress on the
 * runtime, next to the same stack on Express: the same status, headers and
 * decoded body for every request, the same access-log lines, and no promise
 * handed to the pipeline while the middleware call next() synchronously.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import helmet from 'helmet';
import morgan from 'morgan';
import compression from 'compression';
import cors from 'cors';
import { rateLimit } from 'express-rate-limit';
import { Server, type Handler } from 'expressway/runtime';
import { fromExpress } from 'expressway/compat';
import { serve, type Served } from './__testfixtures__/serve.js';

const EVENTS = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, title: `Event number ${i + 1}`, city: i % 2 ? 'Oslo' : 'Lyon' }));
const ORIGINS = ['https://events.example.com'];

/** One access-log sink per side; morgan's ':date' and ':response-time' are left out so the lines compare. */
function logSink(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk).trimEnd());
      callback();
    },
  });
}
const LOG_FORMAT = ':method :url :status :res[content-length] :res[content-encoding]';

function stack(lines: string[]) {
  return {
    helmet: helmet(),
    morgan: morgan(LOG_FORMAT, { stream: logSink(lines) }),
    compression: compression({ threshold: 1024 }),
    cors: cors({ origin: ORIGINS, credentials: true, maxAge: 600 }),
    limiter: rateLimit({ windowMs: 60_000, limit: 3, standardHeaders: 'draft-7', legacyHeaders: false, message: { error: 'slow down' } }),
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const { date: _date, connection: _connection, 'keep-alive': _keepAlive, etag: _etag, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, body: body.toString() });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('helmet, morgan, compression, cors and express-rate-limit through fromExpress', () => {
  const expressLines: string[] = [];
  const runtimeLines: string[] = [];
  const pending: boolean[] = [];
  let expressServer: http.Server;
  let expressPort: number;
  let runtime: Served;

  /** Records whether the middleware handed the pipeline a promise. */
  function watched(handler: Handler): Handler {
    return (ctx) => {
      const result = handler(ctx);
      pending.push(typeof (result as { then?: unknown } | undefined)?.then === 'function');
      return result;
    };
  }

  beforeAll(async () => {
    const e = stack(expressLines);
    const app = express();
    app.disable('x-powered-by');
    app.use(e.helmet, e.morgan, e.compression);
    app.use('/api', e.cors, e.limiter);
    app.get('/api/events', (_req, res) => res.json(EVENTS));
    app.get('/small', (_req, res) => res.json({ ok: true }));
    app.use((_req, res) => res.status(404).json({ error: 'not found' }));
    expressServer = http.createServer(app);
    await new Promise<void>((resolve) => expressServer.listen(0, '127.0.0.1', resolve));
    expressPort = (expressServer.address() as AddressInfo).port;

    const r = stack(runtimeLines);
    const server = new Server();
    server.requestMiddleware(watched(fromExpress(r.helmet)));
    server.requestMiddleware(watched(fromExpress(r.morgan)));
    server.requestMiddleware(watched(fromExpress(r.compression)));
    server.requestMiddleware('/api', fromExpress(r.cors, { path: '/api' }));
    server.requestMiddleware('/api', fromExpress(r.limiter, { path: '/api' }));
    server.get('/api/events', (ctx) => ctx.json(EVENTS));
    server.get('/small', (ctx) => ctx.json({ ok: true }));
    server.notFound((ctx) => ctx.json({ error: 'not found' }, 404));
    runtime = await serve(server);
  });

  afterAll(async () => {
    await runtime.close();
    await new Promise<void>((resolve) => expressServer.close(() => resolve()));
  });

  const requests: Array<[string, Record<string, string>, string?]> = [
    ['/small', { 'accept-encoding': 'gzip' }],
    ['/api/events', { 'accept-encoding': 'gzip' }],
    ['/api/events', { 'accept-encoding': 'identity', origin: 'https://events.example.com' }],
    ['/api/events', { 'accept-encoding': 'gzip, deflate', origin: 'https://evil.example' }],
    ['/api/events', { origin: 'https://events.example.com', 'access-control-request-method': 'POST' }, 'OPTIONS'],
    ['/api/events', { 'accept-encoding': 'gzip' }], // over the limit of 3: 429 with Retry-After
    ['/nope', {}],
  ];

  it('answers every request as the same stack on Express', async () => {
    for (const [path, headers, method] of requests) {
      const theirs = await get(expressPort, path, headers, method);
      const mine = await get(runtime.port, path, headers, method);
      expect(mine, `${method ?? 'GET'} ${path} ${JSON.stringify(headers)}`).toEqual(theirs);
    }
    const statuses = await Promise.all([get(runtime.port, '/api/events')]);
    expect(statuses[0]!.status).toBe(429);
  });

  it('writes the same access-log lines', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20)); // morgan logs on 'finish'
    expect(runtimeLines.slice(0, expressLines.length)).toEqual(expressLines);
    expect(expressLines.some((line) => line.includes('gzip'))).toBe(true);
  });

  it('hands the pipeline no promise for middleware that call next() synchronously', () => {
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((p) => p === false)).toBe(true);
  });
});
