/** Matrix: cors, helmet, compression, method-override. */
import { describe, expect, it } from 'vitest';
import cors from 'cors';
import helmet from 'helmet';
import compression from 'compression';
import methodOverride from 'method-override';
import { gunzipSync } from 'node:zlib';
import { fromExpress } from '../index.js';
import { eachMode, request, RESPONSE_HOOK } from './__testfixtures__/modes.js';

const corsOptions = { origin: 'http://app.test', credentials: true, methods: ['GET', 'PUT'] };

eachMode('cors', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(cors(corsOptions)));
    server.get('/data', (ctx) => ctx.json({ ok: true }));
  },
  mountExpress(app) {
    app.use(cors(corsOptions));
    app.get('/data', (_req, res) => res.json({ ok: true }));
  },
}, (target) => {
  it('adds CORS headers to a simple request', async () => {
    const res = await request(target().port, 'GET', '/data', { origin: 'http://app.test' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://app.test');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers.vary).toMatch(/Origin/);
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
  });
  it('answers the preflight itself (204) without reaching a route', async () => {
    const res = await request(target().port, 'OPTIONS', '/data', { origin: 'http://app.test', 'access-control-request-method': 'PUT' });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-methods']).toBe('GET,PUT');
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
  });
});

eachMode('helmet', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(helmet()));
    server.get('/page', (ctx) => ctx.html('<p>hi</p>'));
  },
  mountExpress(app) {
    app.use(helmet());
    app.get('/page', (_req, res) => res.send('<p>hi</p>'));
  },
}, (target) => {
  it('sets its security headers and removes X-Powered-By', async () => {
    const res = await request(target().port, 'GET', '/page');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
  });
});

const big = 'expressway '.repeat(2000);

eachMode('compression', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(compression({ threshold: 0 })));
    server.get('/big', (ctx) => ctx.text(big));
  },
  mountExpress(app) {
    app.use(compression({ threshold: 0 }));
    app.get('/big', (_req, res) => res.type('text/plain').send(big));
  },
}, (target) => {
  it('gzips the body, which decompresses to the original', async () => {
    const res = await request(target().port, 'GET', '/big', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.length).toBeLessThan(big.length / 10);
    expect(gunzipSync(res.body).toString()).toBe(big);
    expect(res.headers.vary).toMatch(/Accept-Encoding/);
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
  });
  it('leaves the body alone when the client does not accept gzip', async () => {
    const res = await request(target().port, 'GET', '/big', { 'accept-encoding': 'identity' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(big);
  });
});

eachMode('method-override', {
  fromExpress(server) {
    server.requestMiddleware('/item', fromExpress(methodOverride('X-HTTP-Method-Override')));
    // The runtime routed on the wire method before request middleware ran; Express code after the override sees the new one.
    server.requestMiddleware('/item', fromExpress((req: any, res: any) => res.json({ method: req.method, originalMethod: req.originalMethod })));
    server.post('/item', (ctx) => ctx.text('not reached'));
  },
  mountExpress(app) {
    app.use(methodOverride('X-HTTP-Method-Override'));
    app.delete('/item', (req: any, res) => res.json({ method: req.method, originalMethod: req.originalMethod }));
  },
}, (target) => {
  it('turns a POST with X-HTTP-Method-Override into a DELETE for Express code', async () => {
    const res = await request(target().port, 'POST', '/item', { 'x-http-method-override': 'DELETE' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ method: 'DELETE', originalMethod: 'POST' });
  });
});
