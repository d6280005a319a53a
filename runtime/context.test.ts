/** Context: request fields, cookies, the response builder, state and connection control, over real sockets. */
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import signature from 'cookie-signature';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from './index.js';
import type { RunningServer } from './listen.js';
import { rawRequest, start } from './__testfixtures__/raw-http.js';

const handles: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close({ timeout: 1_000 })));
});

async function serve(server: Server<any>): Promise<RunningServer> {
  const handle = await start(server);
  handles.push(handle);
  return handle;
}

describe('request fields', () => {
  it('exposes method, path, url, query, headers, host and protocol', async () => {
    const server = new Server();
    server.get('/p/{id}', (ctx) =>
      ctx.json({
        method: ctx.method,
        path: ctx.path,
        url: ctx.url,
        query: ctx.query,
        search: ctx.search,
        header: ctx.header('X-Thing'),
        host: ctx.host,
        hostname: ctx.hostname,
        protocol: ctx.protocol,
        pattern: ctx.routePattern,
      }),
    );
    const res = await request(server.handler).get('/p/%41?a=1&a=2&b=').set('x-thing', 'yes').set('host', 'example.com:8080');
    expect(res.body).toEqual({
      method: 'GET',
      path: '/p/A',
      url: '/p/%41?a=1&a=2&b=',
      query: { a: ['1', '2'], b: '' },
      search: 'a=1&a=2&b=',
      header: 'yes',
      host: 'example.com:8080',
      hostname: 'example.com',
      protocol: 'http',
      pattern: '/p/{id}',
    });
  });

  it('honours trustProxy for ip, protocol and host', async () => {
    const trusting = new Server({ trustProxy: 'loopback' });
    const plain = new Server();
    for (const s of [trusting, plain]) {
      s.get('/who', (ctx) => ctx.json({ ip: ctx.ip, ips: ctx.ips, protocol: ctx.protocol, host: ctx.host }));
    }
    const headers = { 'x-forwarded-for': '203.0.113.7, 10.0.0.2', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.example' };
    const trusted = await fetch((await serve(trusting)).url + '/who', { headers }).then((r) => r.json());
    expect(trusted).toEqual({ ip: '10.0.0.2', ips: ['10.0.0.2'], protocol: 'https', host: 'shop.example' });
    const untrusted = (await fetch((await serve(plain)).url + '/who', { headers }).then((r) => r.json())) as Record<string, unknown>;
    expect(untrusted.ip).toBe('127.0.0.1');
    expect(untrusted.protocol).toBe('http');
    expect(untrusted.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const all = new Server({ trustProxy: true });
    all.get('/who', (ctx) => ctx.text(ctx.ip));
    expect(await fetch((await serve(all)).url + '/who', { headers }).then((r) => r.text())).toBe('203.0.113.7');
  });

  it('parses cookies and verifies signed ones with any configured secret', async () => {
    const server = new Server({ cookieSecret: ['new-secret', 'old-secret'] });
    server.get('/c', (ctx) =>
      ctx.json({
        plain: ctx.cookies.plain,
        good: ctx.signedCookie('good'),
        rotated: ctx.signedCookie('rotated'),
        forged: ctx.signedCookie('forged'),
        missing: ctx.signedCookie('missing') ?? null,
        all: ctx.signedCookies,
      }),
    );
    const good = 's:' + signature.sign('alice', 'new-secret');
    const rotated = 's:' + signature.sign('bob', 'old-secret');
    const forged = 's:' + signature.sign('mallory', 'wrong');
    const res = await request(server.handler)
      .get('/c')
      .set('cookie', `plain=a%20b; good=${encodeURIComponent(good)}; rotated=${encodeURIComponent(rotated)}; forged=${encodeURIComponent(forged)}`);
    expect(res.body).toEqual({
      plain: 'a b',
      good: 'alice',
      rotated: 'bob',
      forged: false,
      missing: null,
      all: { good: 'alice', rotated: 'bob', forged: false },
    });
  });
});

describe('response builder', () => {
  it('sets, appends and removes headers; sets and clears cookies (Express options)', async () => {
    const server = new Server({ cookieSecret: 's3cret' });
    server.get('/r', (ctx) => {
      ctx.setHeader('X-One', '1');
      ctx.appendHeader('link', '</a>; rel=a');
      ctx.appendHeader('link', '</b>; rel=b');
      ctx.setHeader('x-gone', 'bye');
      ctx.removeHeader('X-GONE');
      ctx.setCookie('sid', 'abc', { httpOnly: true, maxAge: 60_000, sameSite: 'lax' });
      ctx.setCookie('signed', 'v', { signed: true });
      ctx.clearCookie('old');
      ctx.json({ has: ctx.hasHeader('x-one'), got: ctx.getHeader('x-one'), names: Object.keys(ctx.responseHeaders) });
    });
    const res = await request(server.handler).get('/r');
    expect(res.headers['x-one']).toBe('1');
    expect(res.headers.link).toBe('</a>; rel=a, </b>; rel=b');
    expect(res.headers['x-gone']).toBeUndefined();
    const cookies = res.headers['set-cookie'] as unknown as string[];
    expect(cookies[0]).toMatch(/^sid=abc; Max-Age=60; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
    expect(cookies[1]).toBe(`signed=${encodeURIComponent('s:' + signature.sign('v', 's3cret'))}; Path=/`);
    expect(cookies[2]).toBe('old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(res.body).toEqual({ has: true, got: '1', names: ['x-one', 'link', 'set-cookie'] });
  });

  it('sends text, html, bytes, body by type, streams and empty answers', async () => {
    const server = new Server();
    server.get('/text', (ctx) => ctx.text('plain'));
    server.get('/html', (ctx) => ctx.html('<b>x</b>'));
    server.get('/bytes', (ctx) => ctx.bytes(Buffer.from([1, 2, 3])));
    server.get('/body-string', (ctx) => {
      ctx.body = 'via body';
    });
    server.get('/body-object', (ctx) => {
      ctx.body = { via: 'body' };
    });
    server.get('/json-string', (ctx) => ctx.json('a string'));
    server.get('/stream', (ctx) => {
      ctx.setHeader('content-type', 'text/csv');
      ctx.stream(Readable.from(['a,b\n', '1,2\n']));
    });
    server.get('/empty', (ctx) => {
      ctx.status = 204;
    });
    server.get('/nothing', () => {});
    const get = (p: string) => request(server.handler).get(p).buffer(true);
    expect((await get('/text')).headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await get('/html')).headers['content-type']).toBe('text/html; charset=utf-8');
    const bytes = await get('/bytes').parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(bytes.headers['content-type']).toBe('application/octet-stream');
    expect([...(bytes.body as Buffer)]).toEqual([1, 2, 3]);
    expect((await get('/body-string')).text).toBe('via body');
    expect((await get('/body-object')).body).toEqual({ via: 'body' });
    expect((await get('/json-string')).text).toBe('"a string"');
    const stream = await get('/stream');
    expect(stream.text).toBe('a,b\n1,2\n');
    expect(stream.headers['content-type']).toBe('text/csv');
    expect(stream.headers['content-length']).toBeUndefined();
    const empty = await get('/empty');
    expect(empty.status).toBe(204);
    expect(empty.headers['content-length']).toBeUndefined();
    const nothing = await get('/nothing');
    expect(nothing.status).toBe(200);
    expect(nothing.headers['content-length']).toBe('0');
  });

  it('redirects with an encoded Location and refuses an invalid status', async () => {
    const server = new Server({ logErrors: false });
    server.get('/go', (ctx) => ctx.redirect('/ünï code?x=a b&y=%20', { status: 301 }));
    server.get('/bad', (ctx) => {
      ctx.status = 42;
    });
    const res = await request(server.handler).get('/go').redirects(0);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/%C3%BCn%C3%AF%20code?x=a%20b&y=%20');
    expect((await request(server.handler).get('/bad')).status).toBe(500);
  });

  it('serves files through ctx.file()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exw-file-'));
    writeFileSync(join(dir, 'hello.txt'), 'hello file');
    const server = new Server();
    server.get('/f', (ctx) => ctx.file(join(dir, 'hello.txt')));
    server.responseMiddleware((ctx) => ctx.setHeader('x-response-mw', 'yes'));
    const res = await request(server.handler).get('/f');
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello file');
    expect(res.headers.etag).toBeDefined();
    expect(res.headers['x-response-mw']).toBe('yes');
  });

  it('commitHead() applies response middleware, then the body streams through ctx.res', async () => {
    const server = new Server();
    server.get('/raw', async (ctx) => {
      ctx.setHeader('content-type', 'text/plain');
      await ctx.commitHead();
      expect(ctx.committed).toBe(true);
      ctx.res.write('one ');
      ctx.res.end('two');
    });
    server.responseMiddleware((ctx) => ctx.setHeader('x-mw', 'applied'));
    const res = await request(server.handler).get('/raw');
    expect(res.text).toBe('one two');
    expect(res.headers['x-mw']).toBe('applied');
  });

  it('ctx.sse() streams events with response-middleware headers', async () => {
    const server = new Server();
    server.get('/events', async (ctx) => {
      const sse = await ctx.sse();
      await sse.send({ event: 'greet', id: 1, data: 'hello\nworld' });
      await sse.send({ data: { n: 2 } });
      sse.close();
    });
    server.responseMiddleware((ctx) => ctx.setHeader('x-mw', 'yes'));
    const res = await fetch((await serve(server)).url + '/events');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-mw')).toBe('yes');
    expect(res.headers.get('content-length')).toBeNull();
    expect(await res.text()).toBe('event: greet\nid: 1\ndata: hello\ndata: world\n\ndata: {"n":2}\n\n');
  });
});

describe('state and connection', () => {
  it('ctx.state is typed by the Server generic and fresh per request', async () => {
    interface State {
      user?: { name: string };
      hits?: number;
    }
    const server = new Server<State>();
    server.requestMiddleware((ctx) => {
      ctx.state.hits = (ctx.state.hits ?? 0) + 1;
      if (ctx.header('x-user')) ctx.state.user = { name: ctx.header('x-user')! };
    });
    server.get('/me', (ctx) => ctx.json({ name: ctx.state.user?.name ?? null, hits: ctx.state.hits }));
    expect((await request(server.handler).get('/me').set('x-user', 'ann')).body).toEqual({ name: 'ann', hits: 1 });
    expect((await request(server.handler).get('/me')).body).toEqual({ name: null, hits: 1 });
  });

  it('fires ctx.signal when the client disconnects mid-response, without crashing', async () => {
    const server = new Server();
    let resolveAborted!: (v: { aborted: boolean; closed: boolean }) => void;
    const aborted = new Promise<{ aborted: boolean; closed: boolean }>((r) => (resolveAborted = r));
    server.get('/slow', async (ctx) => {
      await ctx.commitHead();
      ctx.res.write('first chunk');
      ctx.signal.addEventListener('abort', () => resolveAborted({ aborted: ctx.signal.aborted, closed: ctx.closed }));
      await new Promise((r) => setTimeout(r, 200));
      ctx.res.write('too late');
      ctx.res.end();
    });
    server.get('/ok', (ctx) => ctx.text('ok'));
    const handle = await serve(server);
    await new Promise<void>((resolve) => {
      const req = http.get(handle.url + '/slow', (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
    });
    expect(await aborted).toEqual({ aborted: true, closed: true });
    expect(await (await fetch(handle.url + '/ok')).text()).toBe('ok');
  });

  it('ctx.signal does not fire for a completed response', async () => {
    const server = new Server();
    let signal: AbortSignal | undefined;
    server.get('/x', (ctx) => {
      signal = ctx.signal;
      ctx.text('done');
    });
    const handle = await serve(server);
    await (await fetch(handle.url + '/x')).text();
    await new Promise((r) => setTimeout(r, 20));
    expect(signal!.aborted).toBe(false);
  });

  it('ctx.close() sends Connection: close and ends the socket; keepAlive reports it', async () => {
    const server = new Server();
    server.get('/bye', (ctx) => {
      const before = ctx.keepAlive;
      ctx.close();
      ctx.json({ before, after: ctx.keepAlive });
    });
    const handle = await serve(server);
    const raw = await rawRequest(handle.port, 'GET /bye HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1.1 200/);
    expect(raw).toMatch(/Connection: close/i);
    expect(raw).toContain('{"before":true,"after":false}');
  });
});
