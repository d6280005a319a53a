/** Matrix: serve-static / express.static, serve-favicon, connect-history-api-fallback, swagger-ui-express. */
import { expect, it } from 'vitest';
import express from 'express';
import serveStatic from 'serve-static';
import favicon from 'serve-favicon';
import history from 'connect-history-api-fallback';
import swaggerUi from 'swagger-ui-express';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromExpress } from '../index.js';
import { eachMode, request, RESPONSE_HOOK } from './__testfixtures__/modes.js';

const root = mkdtempSync(join(tmpdir(), 'exw-matrix-static-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app");\n');
writeFileSync(join(root, 'index.html'), '<!doctype html><title>spa</title>');
const icon = Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 68, 0, 0, 0, 22, 0, 0, 0, 9, 9, 9]);
writeFileSync(join(root, 'favicon.ico'), icon);

eachMode('serve-static / express.static', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(serveStatic(root)));
    server.requestMiddleware('/public', fromExpress(express.static(root), { path: '/public' }));
    server.get('/api', (ctx) => ctx.text('route after static'));
  },
  mountExpress(app) {
    app.use(serveStatic(root));
    app.use('/public', express.static(root));
    app.get('/api', (_req, res) => res.send('route after static'));
  },
}, (target) => {
  it('serves a file with ETag, answers 304 to a matching If-None-Match, and falls through for other paths', async () => {
    const res = await request(target().port, 'GET', '/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('console.log("app");\n');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
    const again = await request(target().port, 'GET', '/assets/app.js', { 'if-none-match': String(res.headers.etag) });
    expect(again.status).toBe(304);
    const mounted = await request(target().port, 'GET', '/public/assets/app.js');
    expect(mounted.body.toString()).toBe('console.log("app");\n');
    const range = await request(target().port, 'GET', '/assets/app.js', { range: 'bytes=0-6' });
    expect(range.status).toBe(206);
    expect(range.body.toString()).toBe('console');
    const other = await request(target().port, 'GET', '/api');
    expect(other.body.toString()).toBe('route after static');
  });
});

eachMode('serve-favicon', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(favicon(join(root, 'favicon.ico'))));
    server.get('/', (ctx) => ctx.text('home'));
  },
  mountExpress(app) {
    app.use(favicon(join(root, 'favicon.ico')));
    app.get('/', (_req, res) => res.send('home'));
  },
}, (target) => {
  it('serves the icon bytes with its caching headers', async () => {
    const res = await request(target().port, 'GET', '/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/x-icon');
    expect(res.headers['cache-control']).toMatch(/max-age=/);
    expect(res.body.equals(icon)).toBe(true);
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
    const home = await request(target().port, 'GET', '/');
    expect(home.body.toString()).toBe('home');
  });
});

eachMode('connect-history-api-fallback', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress([history(), express.static(root)]));
    server.get('/api/items', (ctx) => ctx.json([1, 2]));
  },
  mountExpress(app) {
    app.use(history(), express.static(root));
    app.get('/api/items', (_req, res) => res.json([1, 2]));
  },
}, (target) => {
  it('answers HTML navigations to client-side routes with index.html, and leaves API calls alone', async () => {
    const page = await request(target().port, 'GET', '/dashboard/settings', { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toBe('<!doctype html><title>spa</title>');
    expect(page.headers[RESPONSE_HOOK]).toBe('yes');
    const api = await request(target().port, 'GET', '/api/items', { accept: 'application/json' });
    expect(JSON.parse(api.body.toString())).toEqual([1, 2]);
  });
});

const spec = { openapi: '3.0.0', info: { title: 'Matrix API', version: '1.0.0' }, paths: {} };

eachMode('swagger-ui-express', {
  fromExpress(server) {
    server.requestMiddleware('/docs', fromExpress([...swaggerUi.serve, swaggerUi.setup(spec)], { path: '/docs' }));
  },
  mountExpress(app) {
    app.use('/docs', swaggerUi.serve, swaggerUi.setup(spec));
  },
}, (target) => {
  it('serves the UI page, its init script with the spec, and the bundled assets', async () => {
    const page = await request(target().port, 'GET', '/docs/');
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('swagger-ui');
    expect(page.headers[RESPONSE_HOOK]).toBe('yes');
    const init = await request(target().port, 'GET', '/docs/swagger-ui-init.js');
    expect(init.body.toString()).toContain('Matrix API');
    const css = await request(target().port, 'GET', '/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
  });
});
