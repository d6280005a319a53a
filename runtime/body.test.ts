/** Body readers and the Express-style body middleware, over real sockets. */
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { formBody, jsonBody, Server } from './index.js';
import type { RunningServer } from './listen.js';
import { rawRequest, start } from './__testfixtures__/raw-http.js';

const handles: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close({ timeout: 1_000 })));
});

function echoServer(options: ConstructorParameters<typeof Server>[0] = {}) {
  const server = new Server(options);
  server.post('/json', async (ctx) => ctx.json({ body: await ctx.json() }));
  server.post('/text', async (ctx) => ctx.text(await ctx.text()));
  server.post('/form', async (ctx) => ctx.json(await ctx.form()));
  server.post('/bytes', async (ctx) => ctx.json({ length: (await ctx.bytes()).length }));
  server.post('/twice', async (ctx) => {
    const a = await ctx.json();
    const b = await ctx.text();
    const c = await ctx.bytes();
    ctx.json({ a, b, c: c.length });
  });
  server.post('/stream', async (ctx) => {
    let size = 0;
    for await (const chunk of ctx.bodyStream()) size += (chunk as Buffer).length;
    ctx.json({ size });
  });
  return server;
}

describe('body readers', () => {
  it('read json, text, form and bytes', async () => {
    const server = echoServer();
    expect((await request(server.handler).post('/json').send({ a: [1, 2] })).body).toEqual({ body: { a: [1, 2] } });
    expect((await request(server.handler).post('/text').type('text/plain').send('héllo')).text).toBe('héllo');
    expect((await request(server.handler).post('/form').type('form').send('a=1&a=2&b=x')).body).toEqual({ a: ['1', '2'], b: 'x' });
    expect((await request(server.handler).post('/bytes').type('application/octet-stream').send(Buffer.alloc(1000))).body).toEqual({ length: 1000 });
  });

  it('caches the body so several readers may be called', async () => {
    const res = await request(echoServer().handler).post('/twice').send({ x: 1 });
    expect(res.body).toEqual({ a: { x: 1 }, b: '{"x":1}', c: 7 });
  });

  it('answers 400 with a useful message for invalid JSON', async () => {
    const res = await request(echoServer().handler).post('/json').type('json').send('{"a": 1,');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('EXW_ERR_BODY_INVALID_JSON');
    expect(res.body.message).toMatch(/^Request body is not valid JSON: .*JSON/);
  });

  it('answers 413 for a body over the limit, declared or streamed', async () => {
    const server = echoServer({ bodyLimit: '1kb' });
    const handle = await start(server);
    handles.push(handle);
    const declared = await fetch(handle.url + '/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ s: 'x'.repeat(2000) }) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'EXW_ERR_BODY_TOO_LARGE', statusCode: 413 });
    // chunked: no Content-Length, the limit applies while reading
    const chunked = await rawRequest(
      handle.port,
      'POST /bytes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' + '400\r\n' + 'a'.repeat(1024) + '\r\n' + '10\r\n' + 'b'.repeat(16) + '\r\n0\r\n\r\n',
    );
    expect(chunked).toMatch(/^HTTP\/1.1 413/);
    // the server is fine afterwards
    expect((await fetch(handle.url + '/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ok":true}' })).status).toBe(200);
  });

  it('checks the content type (415) and the charset', async () => {
    const server = echoServer();
    const wrongType = await request(server.handler).post('/json').type('text/plain').send('{"a":1}');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.code).toBe('EXW_ERR_BODY_UNSUPPORTED_TYPE');
    const vendor = await request(server.handler).post('/json').set('content-type', 'application/vnd.api+json').send('{"a":1}');
    expect(vendor.body).toEqual({ body: { a: 1 } });
    const latin1 = await request(server.handler).post('/text').set('content-type', 'text/plain; charset=latin1').send(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(latin1.text).toBe('café');
    const badCharset = await request(server.handler).post('/text').set('content-type', 'text/plain; charset=nope-42').send('x');
    expect(badCharset.status).toBe(415);
  });

  it('inflates gzip bodies and refuses unknown encodings', async () => {
    const handle = await start(echoServer());
    handles.push(handle);
    const post = (encoding: string, body: Uint8Array | string) =>
      fetch(handle.url + '/json', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body });
    const gz = await post('gzip', gzipSync('{"z":1}'));
    expect(await gz.json()).toEqual({ body: { z: 1 } });
    const unknown = await post('zstd-x', '{}');
    expect(unknown.status).toBe(415);
    expect(await unknown.json()).toMatchObject({ code: 'EXW_ERR_BODY_UNSUPPORTED_ENCODING' });
    const corrupt = await post('gzip', 'not gzip');
    expect(corrupt.status).toBe(400);
    expect(await corrupt.json()).toMatchObject({ code: 'EXW_ERR_BODY_INVALID_ENCODING' });
  });

  it('streams the body with the limit applied', async () => {
    const server = echoServer({ bodyLimit: 5000 });
    expect((await request(server.handler).post('/stream').send(Buffer.alloc(4000))).body).toEqual({ size: 4000 });
  });

  it('returns undefined for ctx.json() without a body', async () => {
    const server = new Server();
    server.post('/x', async (ctx) => ctx.json({ isUndefined: (await ctx.json()) === undefined }));
    expect((await request(server.handler).post('/x')).body).toEqual({ isUndefined: true });
  });

  it('does not let a JSON {"__proto__": ...} body pollute anything', async () => {
    const server = new Server();
    server.post('/merge', async (ctx) => {
      const body = (await ctx.json()) as Record<string, unknown>;
      const merged = Object.assign({}, body);
      ctx.json({
        polluted: ({} as Record<string, unknown>).isAdmin ?? null,
        mergedAdmin: (merged as Record<string, unknown>).isAdmin ?? null,
        ownProto: Object.prototype.hasOwnProperty.call(body, '__proto__'),
        name: body.name,
      });
    });
    const res = await request(server.handler)
      .post('/merge')
      .type('json')
      .send('{"name":"x","__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}');
    expect(res.body).toEqual({ polluted: null, mergedAdmin: null, ownProto: false, name: 'x' });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('sends body errors to the request-error hook', async () => {
    const server = echoServer();
    const codes: string[] = [];
    server.requestErrorHook((ctx, err) => {
      codes.push((err as { code: string }).code);
      ctx.text(`bad: ${(err as Error).message}`, (err as { status: number }).status);
    });
    const res = await request(server.handler).post('/json').type('json').send('nope');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^bad: Request body is not valid JSON/);
    expect(codes).toEqual(['EXW_ERR_BODY_INVALID_JSON']);
  });
});

describe('jsonBody / formBody middleware', () => {
  it('parse matching bodies into ctx.requestBody, default {} otherwise', async () => {
    const server = new Server();
    server.requestMiddleware(jsonBody({ limit: '1kb' }));
    server.requestMiddleware(formBody({ extended: true }));
    server.post('/x', (ctx) => ctx.json({ body: ctx.requestBody }));
    expect((await request(server.handler).post('/x').send({ a: 1 })).body).toEqual({ body: { a: 1 } });
    expect((await request(server.handler).post('/x').type('form').send('a[b]=2')).body).toEqual({ body: { a: { b: '2' } } });
    expect((await request(server.handler).post('/x').type('text/plain').send('hi')).body).toEqual({ body: {} });
    expect((await request(server.handler).post('/x')).body).toEqual({ body: {} });
  });

  it('reject non-object JSON in strict mode, and too-large bodies with 413', async () => {
    const server = new Server();
    server.requestMiddleware(jsonBody({ limit: 50 }));
    server.post('/x', (ctx) => ctx.json({ body: ctx.requestBody }));
    const strict = await request(server.handler).post('/x').type('json').send('"just a string"');
    expect(strict.status).toBe(400);
    expect(strict.body.code).toBe('EXW_ERR_BODY_STRICT_JSON');
    const big = await request(server.handler).post('/x').send({ s: 'x'.repeat(100) });
    expect(big.status).toBe(413);
  });
});
