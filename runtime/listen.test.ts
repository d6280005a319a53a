/** listen() and graceful close; node's parser errors and timeouts (clientError) through the request-error hook. */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
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

describe('listen', () => {
  it('returns a handle with url, port and the node server', async () => {
    const server = new Server();
    server.get('/', (ctx) => ctx.text('root'));
    const handle = await serve(server);
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}`);
    expect(handle.server).toBeInstanceOf(http.Server);
    expect(handle.server.keepAliveTimeout).toBe(5_000);
    expect(await (await fetch(handle.url)).text()).toBe('root');
    await expect(server.listen({ port: 0 })).rejects.toMatchObject({ code: 'EXW_ERR_LISTEN_ALREADY' });
  });

  it('rejects when the port is taken', async () => {
    const first = await serve(new Server());
    await expect(new Server().listen({ port: first.port, host: '127.0.0.1' })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('validates options with coded errors', () => {
    expect(() => new Server({ headersTimeout: 10, requestTimeout: 5 })).toThrow(expect.objectContaining({ code: 'EXW_ERR_CONFIG_INVALID' }));
    expect(() => new Server({ bodyLimit: '12 parsecs' })).toThrow(expect.objectContaining({ code: 'EXW_ERR_CONFIG_INVALID' }));
    expect(() => new Server({ port: -1 })).toThrow(expect.objectContaining({ code: 'EXW_ERR_CONFIG_INVALID' }));
    expect(new Server({ bodyLimit: '2mb' }).config.bodyLimit).toBe(2 * 1024 * 1024);
  });
});

describe('graceful close', () => {
  it('lets in-flight requests finish, loses none, and stops accepting', async () => {
    const server = new Server();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    server.get('/slow/{n}', async (ctx) => {
      started++;
      await gate;
      ctx.json({ n: ctx.params.n });
    });
    const handle = await start(server);
    const inFlight = [1, 2, 3, 4, 5].map((n) => fetch(`${handle.url}/slow/${n}`).then(async (r) => ({ status: r.status, body: await r.json(), connection: r.headers.get('connection') })));
    while (started < 5) await new Promise((r) => setTimeout(r, 5));
    const closing = handle.close({ timeout: 5_000 });
    // new connections are refused while draining
    await expect(fetch(`${handle.url}/slow/6`)).rejects.toThrow();
    release();
    const results = await Promise.all(inFlight);
    await closing;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.map((r) => (r.body as { n: string }).n)).toEqual(['1', '2', '3', '4', '5']);
    // responses written while draining close their connection
    expect(results.every((r) => r.connection === 'close')).toBe(true);
  });

  it('closes idle keep-alive sockets at once', async () => {
    const server = new Server({ keepAliveTimeout: 60_000 });
    server.get('/x', (ctx) => ctx.text('x'));
    const handle = await start(server);
    const agent = new http.Agent({ keepAlive: true });
    let socketClosed!: Promise<void>;
    await new Promise<void>((resolve) => {
      const req = http.get(handle.url + '/x', { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('socket', (socket) => {
        socketClosed = new Promise((r) => socket.once('close', () => r()));
      });
    });
    const started = Date.now();
    await handle.close({ timeout: 20_000 }); // would wait for the deadline if the idle socket stayed open
    await socketClosed;
    expect(Date.now() - started).toBeLessThan(10_000);
    agent.destroy();
  });

  it('destroys connections still open at the deadline', async () => {
    const server = new Server();
    server.get('/hang', async (ctx) => {
      await ctx.commitHead();
      ctx.res.write('never ends');
      await new Promise((r) => setTimeout(r, 60_000).unref());
    });
    const handle = await start(server);
    const cut = new Promise<string>((resolve) => {
      http.get(handle.url + '/hang', (res) => {
        res.on('data', () => {});
        res.on('error', () => resolve('error'));
        res.on('close', () => resolve('closed'));
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    await handle.close({ timeout: 100 });
    expect(['error', 'closed']).toContain(await cut);
  });

  it('ends open SSE streams on shutdown instead of waiting for the deadline', async () => {
    const server = new Server();
    server.get('/events', async (ctx) => {
      const sse = await ctx.sse();
      await sse.send({ data: 'hello' });
    });
    const handle = await start(server);
    const res = await fetch(handle.url + '/events');
    const reader = res.body!.getReader();
    await reader.read();
    const started = Date.now();
    await handle.close({ timeout: 20_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    let done = false;
    while (!done) done = (await reader.read()).done;
  });

  it('closes open WebSockets with 1001 on shutdown', async () => {
    const server = new Server();
    server.get('/ws', async (ctx) => {
      const ws = await ctx.upgrade();
      for await (const msg of ws) await ws.send(msg);
    });
    const handle = await start(server);
    const client = new WebSocket(handle.url.replace('http', 'ws') + '/ws');
    await new Promise((r, j) => client.once('open', r).once('error', j));
    const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
    await handle.close({ timeout: 2_000 });
    expect(await closed).toBe(1001);
  });
});

describe('upgrade routing', () => {
  it('refuses unknown paths with 404, non-upgrade GETs to a ws route with 426, and panics with 500', async () => {
    const server = new Server({ logErrors: false });
    server.requestMiddleware('/boom', () => {
      throw new Error('x');
    });
    server.get('/ws', async (ctx) => {
      const ws = await ctx.upgrade();
      ws.close();
    });
    server.get('/boom/ws', async (ctx) => {
      await ctx.upgrade();
    });
    const handle = await serve(server);
    const wsUrl = handle.url.replace('http', 'ws');
    const statusOf = (path: string) =>
      new Promise<number>((resolve) => {
        const c = new WebSocket(wsUrl + path);
        c.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        c.on('error', () => {});
      });
    expect(await statusOf('/missing')).toBe(404);
    expect(await statusOf('/boom/ws')).toBe(500);
    const plain = await fetch(handle.url + '/ws');
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ code: 'EXW_ERR_UPGRADE_NOT_WEBSOCKET' });
  });
});

describe('upgrade auth', () => {
  it('an error status set by request middleware refuses the upgrade before the route runs', async () => {
    const server = new Server();
    let routeRan = false;
    server.requestMiddleware('/ws', (ctx) => {
      if (ctx.query.token !== 'ok') {
        ctx.setHeader('www-authenticate', 'Bearer');
        ctx.json({ error: 'no token' }, 401);
      }
    });
    server.get('/ws', async (ctx) => {
      routeRan = true;
      const ws = await ctx.upgrade();
      await ws.send(`hello ${ctx.ip}`);
      ws.close();
    });
    const handle = await serve(server);
    const wsUrl = handle.url.replace('http', 'ws') + '/ws';
    const refused = await new Promise<{ status: number; auth: unknown; body: string }>((resolve) => {
      const c = new WebSocket(wsUrl);
      c.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, auth: res.headers['www-authenticate'], body }));
      });
      c.on('error', () => {});
    });
    expect(refused).toEqual({ status: 401, auth: 'Bearer', body: '{"error":"no token"}' });
    expect(routeRan).toBe(false);
    const client = new WebSocket(wsUrl + '?token=ok');
    const first = await new Promise<string>((resolve, reject) => {
      client.once('message', (m) => resolve(m.toString()));
      client.once('error', reject);
    });
    expect(first).toBe('hello 127.0.0.1');
    expect(routeRan).toBe(true);
  });
});

describe('client errors from the HTTP parser', () => {
  it('answers a malformed request line with 400 and closes the socket', async () => {
    const server = new Server();
    const codes: string[] = [];
    server.requestErrorHook((_ctx, err) => {
      codes.push((err as { code: string }).code);
    });
    const handle = await serve(server);
    const raw = await rawRequest(handle.port, 'GARBAGE\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1.1 400 Bad Request/);
    expect(raw).toContain('EXW_ERR_HTTP_BAD_REQUEST');
    expect(codes).toEqual(['EXW_ERR_HTTP_BAD_REQUEST']);
  });

  it('answers oversized headers with 431', async () => {
    const server = new Server({ maxHeaderSize: 1024 });
    server.get('/', (ctx) => ctx.text('ok'));
    const handle = await serve(server);
    const raw = await rawRequest(handle.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1.1 431 /);
    expect(raw).toContain('EXW_ERR_HTTP_HEADERS_TOO_LARGE');
  });

  it('lets the request-error hook shape the answer', async () => {
    const server = new Server({ maxHeaderSize: 1024 });
    server.requestErrorHook((ctx, err) => {
      ctx.setHeader('x-hook', 'yes');
      ctx.text(`custom ${(err as { status: number }).status}`);
    });
    const handle = await serve(server);
    const raw = await rawRequest(handle.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1.1 431 /);
    expect(raw).toMatch(/x-hook: yes/i);
    expect(raw).toMatch(/custom 431$/);
  });

  it('writes no 408 after an answer the handler gave while an awaiting request-error hook ran (timeout)', async () => {
    const server = new Server({ headersTimeout: 100, requestTimeout: 200 });
    server.post('/', async (ctx) => {
      let bytes = 0;
      for await (const chunk of ctx.req) bytes += (chunk as Buffer).length;
      ctx.text(`read ${bytes}`);
    });
    let hookEntered!: () => void;
    const entered = new Promise<void>((resolve) => (hookEntered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.requestErrorHook(async () => {
      hookEntered();
      await released;
    });
    const handle = await serve(server);
    const raw = await new Promise<string>((resolve) => {
      const socket = net.connect(handle.port, '127.0.0.1');
      let data = '';
      socket.on('data', (c) => {
        data += c.toString('latin1');
        if (data.includes('read 10')) release();
      });
      socket.on('close', () => resolve(data));
      socket.on('error', () => {});
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345');
      // requestTimeout claims the request; the rest of the body arrives while the hook awaits.
      void entered.then(() => socket.write('67890'));
    });
    expect(raw).toMatch(/^HTTP\/1.1 200 /);
    expect(raw).toContain('read 10');
    expect(raw).not.toContain('408');
  });

  it('times out slow headers with 408 (or closes), and keeps serving', async () => {
    const server = new Server({ headersTimeout: 200, requestTimeout: 300 });
    server.get('/', (ctx) => ctx.text('ok'));
    const handle = await serve(server);
    const raw = await new Promise<string>((resolve) => {
      const socket = net.connect(handle.port, '127.0.0.1');
      let data = '';
      socket.on('data', (c) => (data += c.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', () => {});
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // never finishes the head
    });
    if (raw !== '') expect(raw).toMatch(/^HTTP\/1.1 408 /);
    expect(await (await fetch(handle.url)).text()).toBe('ok');
  });
});
