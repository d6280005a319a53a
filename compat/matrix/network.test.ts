/** Matrix: express-rate-limit, http-proxy-middleware (proxying to a local server on 127.0.0.1). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rateLimit } from 'express-rate-limit';
import { createProxyMiddleware } from 'http-proxy-middleware';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromExpress } from '../index.js';
import { eachMode, request, RESPONSE_HOOK } from './__testfixtures__/modes.js';

const limiter = () => rateLimit({ windowMs: 60_000, limit: 2, standardHeaders: 'draft-7', legacyHeaders: false });

eachMode('express-rate-limit', {
  fromExpress(server) {
    server.requestMiddleware('/limited', fromExpress(limiter()));
    server.get('/limited', (ctx) => ctx.text('ok'));
  },
  mountExpress(app) {
    app.use('/limited', limiter());
    app.get('/limited', (_req, res) => res.send('ok'));
  },
}, (target) => {
  it('answers 429 once the limit is used up, with the standard RateLimit headers', async () => {
    const first = await request(target().port, 'GET', '/limited');
    expect(first.status).toBe(200);
    expect(first.headers.ratelimit).toMatch(/limit=2, remaining=1/);
    expect(first.headers[RESPONSE_HOOK]).toBe('yes');
    expect((await request(target().port, 'GET', '/limited')).status).toBe(200);
    const third = await request(target().port, 'GET', '/limited');
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBeDefined();
    expect(third.headers[RESPONSE_HOOK]).toBe('yes');
  });
});

let upstream: http.Server;
let upstreamUrl = '';
beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('x-upstream', 'yes');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString(), forwardedHost: req.headers.host }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

// The target is read when the proxy is created, after the upstream listens (setup runs in beforeAll).
const proxy = () => createProxyMiddleware({ target: upstreamUrl, changeOrigin: true, pathFilter: '/api' });

eachMode('http-proxy-middleware', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(proxy()));
    server.get('/local', (ctx) => ctx.text('not proxied'));
  },
  mountExpress(app) {
    app.use(proxy());
    app.get('/local', (_req, res) => res.send('not proxied'));
  },
}, (target) => {
  it('proxies matching paths (with the request body) to the upstream and leaves the others', async () => {
    const res = await request(target().port, 'POST', '/api/things?x=1', { 'content-type': 'text/plain' }, 'payload');
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
    expect(JSON.parse(res.body.toString())).toEqual({ method: 'POST', url: '/api/things?x=1', body: 'payload', forwardedHost: upstreamUrl.slice(7) });
    const local = await request(target().port, 'GET', '/local');
    expect(local.body.toString()).toBe('not proxied');
  });
});
