/**
 * ctx.redirect answers as Express's res.redirect does, byte for byte where a
 * replay compares them: status, Location, Vary, Content-Type and the body
 * negotiated on Accept. Both servers answer the same requests side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from './server.js';

const servers: http.Server[] = [];
async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let expressUrl = '';
let runtimeUrl = '';
beforeAll(async () => {
  const app = express();
  app.get('/found', (_req, res) => res.redirect('/next?a=1&b=<2>'));
  app.get('/moved', (_req, res) => res.redirect(301, '/ünï code'));
  app.get('/permanent', (_req, res) => res.redirect(308, '/api/projects/7/tasks?done=true'));
  expressUrl = await listen(app);
  const server = new Server();
  server.get('/found', (ctx) => ctx.redirect('/next?a=1&b=<2>'));
  server.get('/moved', (ctx) => ctx.redirect('/ünï code', { status: 301 }));
  server.get('/permanent', (ctx) => ctx.redirect('/api/projects/7/tasks?done=true', { status: 308 }));
  runtimeUrl = await listen(server.handler);
});
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

async function answer(base: string, path: string, accept: string | undefined, method = 'GET') {
  const res = await fetch(base + path, { method, redirect: 'manual', headers: accept === undefined ? {} : { accept } });
  return {
    status: res.status,
    location: res.headers.get('location'),
    vary: res.headers.get('vary'),
    type: res.headers.get('content-type'),
    length: res.headers.get('content-length'),
    body: await res.text(),
  };
}

describe('ctx.redirect, side by side with Express', () => {
  const accepts = [undefined, '*/*', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/plain', 'application/json'];
  for (const path of ['/found', '/moved', '/permanent']) {
    for (const accept of accepts) {
      it(`GET ${path} with Accept ${accept ?? '(none)'}`, async () => {
        const [want, got] = [await answer(expressUrl, path, accept), await answer(runtimeUrl, path, accept)];
        expect(got).toEqual(want);
      });
    }
  }

  it('answers HEAD with the same headers and no body', async () => {
    const [want, got] = [await answer(expressUrl, '/found', 'text/html', 'HEAD'), await answer(runtimeUrl, '/found', 'text/html', 'HEAD')];
    expect(got).toEqual(want);
    expect(got.body).toBe('');
  });
});
