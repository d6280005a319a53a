/**
 * acceptWebSocket / WebSocketConnection / rejectUpgrade / WebSocketRegistry
 * against a real node:http server's 'upgrade' event on 127.0.0.1, with the
 * `ws` package's client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';
import WebSocket from 'ws';
import { Server } from './server.js';
import type { RunningServer } from './listen.js';
import { acceptWebSocket, rejectUpgrade, WebSocketRegistry, type AcceptWebSocketOptions, type WebSocketConnection } from './websocket.js';

type Handler = (ws: WebSocketConnection) => Promise<void> | void;

const servers: http.Server[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) {
    client.on('error', () => {});
    client.terminate();
  }
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Handler, opts: AcceptWebSocketOptions = {}, onError?: (err: unknown) => void): Promise<{ url: string; port: number; server: http.Server }> {
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket, head) => {
    acceptWebSocket({ req, socket, head }, opts).then(handler, (err: unknown) => onError?.(err));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}/ws`, port, server };
}

function connect(url: string, options?: WebSocket.ClientOptions): Promise<WebSocket> {
  const client = new WebSocket(url, options);
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve(client));
    client.once('error', reject);
  });
}

function nextMessage(client: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => client.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));
}

const echo: Handler = async (ws) => {
  for await (const message of ws) await ws.send(message);
};

describe('WebSocketConnection', () => {
  it('echoes text frames as strings', async () => {
    const seen: unknown[] = [];
    const { url } = await serve(async (ws) => {
      for await (const message of ws) {
        seen.push(message);
        await ws.send(message);
      }
    });
    const client = await connect(url);
    client.send('hello');
    const reply = await nextMessage(client);
    expect(reply.isBinary).toBe(false);
    expect(reply.data.toString()).toBe('hello');
    expect(seen).toEqual(['hello']);
  });

  it('echoes binary frames as Buffers, byte for byte', async () => {
    const seen: unknown[] = [];
    const { url } = await serve(async (ws) => {
      for await (const message of ws) {
        seen.push(message);
        await ws.send(message);
      }
    });
    const client = await connect(url);
    const bytes = Buffer.from([0, 1, 2, 254, 255, 0x80]);
    client.send(bytes);
    const reply = await nextMessage(client);
    expect(reply.isBinary).toBe(true);
    expect(Buffer.compare(reply.data, bytes)).toBe(0);
    expect(Buffer.isBuffer(seen[0])).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('sends Uint8Array and ArrayBuffer as binary, strings as text', async () => {
    const { url } = await serve(async (ws) => {
      // Wait for the client's go, so its message listener is in place.
      for await (const _ of ws) {
        await ws.send(new Uint8Array([1, 2, 3]));
        await ws.send(new Uint8Array([4, 5]).buffer);
        await ws.send('text');
      }
    });
    const client = await connect(url);
    const got: Array<[string, boolean]> = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (data: Buffer, isBinary: boolean) => {
        got.push([isBinary ? data.toString('hex') : data.toString(), isBinary]);
        if (got.length === 3) resolve();
      }),
    );
    client.send('go');
    await all;
    expect(got).toEqual([
      ['010203', true],
      ['0405', true],
      ['text', false],
    ]);
  });

  it('ends iteration when the peer closes, and reports the code and reason', async () => {
    let done: Promise<{ messages: unknown[]; closed: { code: number; reason: string } }>;
    const ready = new Promise<void>((resolveReady) => {
      done = new Promise((resolve) => {
        void serve(async (ws) => {
          resolveReady();
          const messages: unknown[] = [];
          for await (const m of ws) messages.push(m);
          resolve({ messages, closed: await ws.closed });
        }).then(async ({ url }) => {
          const client = await connect(url);
          await ready;
          client.send('one');
          client.send('two');
          client.close(4000, 'bye');
        });
      });
    });
    await ready;
    expect(await done!).toEqual({ messages: ['one', 'two'], closed: { code: 4000, reason: 'bye' } });
  });

  it('close() from the server reaches the client with code and reason', async () => {
    const { url } = await serve((ws) => ws.close(4001, 'done here'));
    const client = await connect(url);
    const [code, reason] = await new Promise<[number, Buffer]>((resolve) => client.once('close', (c: number, r: Buffer) => resolve([c, r])));
    expect(code).toBe(4001);
    expect(reason.toString()).toBe('done here');
  });

  it('send() rejects with a coded error once the socket is closed', async () => {
    let error: unknown;
    const closed = new Promise<void>((resolve) => {
      void serve(async (ws) => {
        await ws.closed;
        error = await ws.send('late').catch((err: unknown) => err);
        resolve();
      }).then(async ({ url }) => (await connect(url)).close());
    });
    await closed;
    expect(error).toMatchObject({ code: 'EXW_ERR_WS_NOT_OPEN' });
  });

  it('frames sent in one tick (batched into one socket write) arrive complete and in order, before the close frame', async () => {
    const { url } = await serve((ws) => {
      for (let i = 0; i < 50; i++) void ws.send(`m${i}`);
      void ws.send(new Uint8Array([1, 2, 3]));
      ws.close(1000, 'bye');
    });
    // Listen before 'open': the frames may arrive in the same packet as the handshake answer.
    const client = new WebSocket(url, { perMessageDeflate: false });
    clients.push(client);
    const received: string[] = [];
    client.on('message', (data: Buffer, isBinary: boolean) => received.push(isBinary ? `bin:${[...data].join(',')}` : data.toString()));
    const code = await new Promise<number>((resolve) => client.once('close', (c: number) => resolve(c)));
    expect(code).toBe(1000);
    expect(received).toEqual([...Array.from({ length: 50 }, (_, i) => `m${i}`), 'bin:1,2,3']);
  });

  it('outgoing backpressure: send() stalls on a client that does not read, bufferedAmount stays bounded', async () => {
    const highWaterMark = 256 * 1024;
    const message = Buffer.alloc(64 * 1024, 7);
    const total = 300; // 19 MiB: far more than socket buffers hold
    const progress = { sent: 0, pending: false, maxBuffered: 0 };
    const { url } = await serve(
      async (ws) => {
        for (let i = 0; i < total; i++) {
          progress.pending = true;
          await ws.send(message);
          progress.pending = false;
          progress.sent++;
          progress.maxBuffered = Math.max(progress.maxBuffered, ws.raw.bufferedAmount);
        }
      },
      { highWaterMark },
    );
    const client = await connect(url, { perMessageDeflate: false });
    const socket = (client as unknown as { _socket: Socket })._socket;
    socket.pause();
    let received = 0;
    client.on('message', () => received++);
    await expect.poll(() => progress.pending && progress.sent > 0, { timeout: 10_000 }).toBe(true);
    const stalledAt = progress.sent;
    await new Promise((r) => setTimeout(r, 150));
    expect(progress.sent).toBe(stalledAt);
    expect(stalledAt).toBeLessThan(total);
    expect(progress.maxBuffered).toBeLessThanOrEqual(highWaterMark + message.length + 64);
    socket.resume();
    await expect.poll(() => received, { timeout: 20_000 }).toBe(total);
    expect(progress.sent).toBe(total);
  });

  it('incoming backpressure: a lagging consumer pauses the socket, and nothing is lost or reordered', async () => {
    const maxQueuedMessages = 8;
    const padding = 'p'.repeat(4096);
    let conn!: WebSocketConnection;
    const accepted = new Promise<void>((resolve) => {
      void serve(
        (ws) => {
          conn = ws;
          resolve();
        },
        { maxQueuedMessages },
      ).then(async ({ url }) => {
        const client = await connect(url);
        // 4 KiB messages, 800 KiB in all: many TCP reads, so pausing has something to hold back.
        for (let i = 0; i < 200; i++) client.send(`m${i}:${padding}`);
      });
    });
    await accepted;
    await expect.poll(() => conn.raw.isPaused, { timeout: 10_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    // Frames already read in the chunk being parsed still arrive (a read is at most 64 KiB).
    expect(conn.queuedMessages).toBeGreaterThanOrEqual(maxQueuedMessages);
    expect(conn.queuedMessages).toBeLessThanOrEqual(maxQueuedMessages + Math.ceil((64 * 1024) / padding.length) + 1);
    const got: unknown[] = [];
    for await (const m of conn) {
      got.push(m);
      if (got.length === 200) break;
    }
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}:${padding}`));
    expect(conn.raw.isPaused).toBe(false);
  });

  it('closes a connection whose message exceeds maxPayload with 1009, and reports why', async () => {
    let closed: Promise<{ code: number; error?: Error }> | undefined;
    const { url } = await serve(
      async (ws) => {
        closed = ws.closed;
        for await (const _ of ws) void _;
      },
      { maxPayload: 1024 },
    );
    const client = await connect(url);
    const clientClose = new Promise<number>((resolve) => client.once('close', (code: number) => resolve(code)));
    client.send(Buffer.alloc(4096));
    expect(await clientClose).toBe(1009);
    // The server stops reading after the error, so it never sees the peer's close frame.
    expect(await closed!).toMatchObject({ error: { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' } });
  });

  it('negotiates permessage-deflate only when enabled', async () => {
    const off = await serve(echo);
    const plain = await connect(off.url);
    expect(plain.extensions).toBe('');
    const on = await serve(echo, { perMessageDeflate: true });
    const deflated = await connect(on.url);
    expect(deflated.extensions).toContain('permessage-deflate');
    deflated.send('x'.repeat(10_000));
    expect((await nextMessage(deflated)).data.toString()).toBe('x'.repeat(10_000));
  });
});

describe('heartbeat', () => {
  it('keeps a peer that answers pings, and terminates one that does not', async () => {
    const closedCodes = new Map<string, number>();
    const { url } = await serve(
      async (ws) => {
        const name = (await ws[Symbol.asyncIterator]().next()).value as string;
        closedCodes.set(name, -1);
        closedCodes.set(name, (await ws.closed).code);
      },
      { heartbeat: 150 },
    );
    const alive = await connect(url);
    let pings = 0;
    alive.on('ping', () => pings++);
    alive.send('alive');
    // autoPong: false makes this client behave like a vanished peer.
    const silent = await connect(url, { autoPong: false });
    silent.send('silent');
    await expect.poll(() => closedCodes.get('silent'), { timeout: 10_000 }).toBe(1006);
    await expect.poll(() => pings, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(alive.readyState).toBe(WebSocket.OPEN);
    expect(closedCodes.get('alive')).toBe(-1);
  });
});

describe('acceptWebSocket handshake errors', () => {
  it('rejects with a coded error, and ws answers 400, when the handshake is invalid', async () => {
    let error: unknown;
    const errored = new Promise<void>((resolve) => {
      void serve(echo, {}, (err) => {
        error = err;
        resolve();
      }).then(({ port }) => {
        // Upgrade: websocket but no Sec-WebSocket-Key.
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n');
        });
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('close', () => {
          expect(text).toMatch(/^HTTP\/1\.1 400 /);
        });
      });
    });
    await errored;
    expect(error).toMatchObject({ code: 'EXW_ERR_WS_HANDSHAKE_FAILED', status: 400 });
    expect((error as Error).message).toContain('Sec-WebSocket-Key');
  });
});

describe('rejectUpgrade', () => {
  it('writes a complete HTTP response on the raw socket and closes it', async () => {
    const server = http.createServer();
    server.on('upgrade', (_req, socket) => rejectUpgrade(socket, 401, { 'WWW-Authenticate': 'Bearer' }, 'login first'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    clients.push(client);
    const res = await new Promise<http.IncomingMessage>((resolve) => client.once('unexpected-response', (_req, r) => resolve(r)));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers['content-length']).toBe('11');
    expect(res.headers.connection).toBe('close');
    let body = '';
    for await (const chunk of res) body += chunk;
    expect(body).toBe('login first');
  });

  it('refuses header injection and destroys the socket', async () => {
    let error: unknown;
    let destroyed = false;
    const server = http.createServer();
    server.on('upgrade', (_req, socket) => {
      try {
        rejectUpgrade(socket, 403, { 'x-evil': 'a\r\nSet-Cookie: pwned=1' });
      } catch (err) {
        error = err;
        destroyed = socket.destroyed;
      }
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    clients.push(client);
    await new Promise((resolve) => client.once('error', resolve));
    expect(error).toMatchObject({ code: 'ERR_INVALID_CHAR' });
    expect(destroyed).toBe(true);
  });
});

describe('WebSocketRegistry', () => {
  it('closeAll sends 1001 to every connection and waits until they are closed', async () => {
    const registry = new WebSocketRegistry();
    const { url } = await serve(echo, { registry });
    const a = await connect(url);
    const b = await connect(url);
    await expect.poll(() => registry.size).toBe(2);
    const codes = [a, b].map((c) => new Promise<[number, string]>((resolve) => c.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString()]))));
    await registry.closeAll();
    expect(registry.size).toBe(0);
    expect(await Promise.all(codes)).toEqual([
      [1001, 'server shutting down'],
      [1001, 'server shutting down'],
    ]);
  });

  it('completes the closing handshake on a connection paused for a lagging consumer', async () => {
    const registry = new WebSocketRegistry();
    let conn!: WebSocketConnection;
    const accepted = new Promise<void>((resolve) => {
      void serve(
        (ws) => {
          conn = ws;
          resolve();
        },
        { registry, maxQueuedMessages: 2 },
      ).then(async ({ url }) => {
        const client = await connect(url);
        for (let i = 0; i < 50; i++) client.send(`m${i}`);
      });
    });
    await accepted;
    await expect.poll(() => conn.raw.isPaused, { timeout: 10_000 }).toBe(true);
    // No termination fallback within the test's time: a stuck handshake fails the test.
    await registry.closeAll(1001, 'bye', 60_000);
    expect((await conn.closed).code).toBe(1001);
    // What arrived before the close is still there for the consumer, in order.
    const got: unknown[] = [];
    for await (const m of conn) got.push(m);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
  });

  it('terminates a peer that never answers the closing handshake', async () => {
    const registry = new WebSocketRegistry();
    let closed: Promise<{ code: number }> | undefined;
    const { url } = await serve(
      (ws) => {
        closed = ws.closed;
      },
      { registry },
    );
    const client = await connect(url);
    (client as unknown as { _socket: Socket })._socket.pause();
    await expect.poll(() => registry.size).toBe(1);
    await registry.closeAll(1001, 'bye', 200);
    expect(registry.size).toBe(0);
    expect((await closed!).code).toBe(1006);
  });

  it('forgets connections that closed on their own', async () => {
    const registry = new WebSocketRegistry();
    const { url } = await serve(echo, { registry });
    const client = await connect(url);
    await expect.poll(() => registry.size).toBe(1);
    client.close();
    await expect.poll(() => registry.size).toBe(0);
  });
});

describe('ctx.upgrade() through the real Server', () => {
  let running: RunningServer;
  let base: string;
  beforeAll(async () => {
    const server = new Server();
    // Auth runs before the upgrade is accepted, like for any request.
    server.requestMiddleware('/private', (ctx) => {
      if (ctx.header('authorization') !== 'Bearer ok') {
        ctx.status = 401;
        ctx.setHeader('www-authenticate', 'Bearer');
        ctx.abort();
      }
    });
    server.get('/ws', async (ctx) => {
      const ws = await ctx.upgrade();
      for await (const m of ws) await ws.send(m);
    });
    server.get('/private/ws', async (ctx) => {
      const ws = await ctx.upgrade();
      await ws.send('welcome');
      for await (const _ of ws) void _;
    });
    running = await server.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${running.port}`;
  });
  afterAll(() => running.close({ timeout: 1_000 }));

  it('echoes text and binary frames', async () => {
    const client = await connect(`${base}/ws`);
    client.send('hi there');
    const text = await nextMessage(client);
    expect([text.data.toString(), text.isBinary]).toEqual(['hi there', false]);
    client.send(Buffer.from([9, 8, 7]));
    const bin = await nextMessage(client);
    expect([bin.data.toString('hex'), bin.isBinary]).toEqual(['090807', true]);
  });

  it('request middleware refuse the upgrade with their status and headers', async () => {
    const client = new WebSocket(`${base}/private/ws`);
    clients.push(client);
    const res = await new Promise<http.IncomingMessage>((resolve) => client.once('unexpected-response', (_req, r) => resolve(r)));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    res.resume();
    const allowed = new WebSocket(`${base}/private/ws`, { headers: { authorization: 'Bearer ok' } });
    clients.push(allowed);
    const first = await new Promise<string>((resolve) => allowed.once('message', (d: Buffer) => resolve(d.toString())));
    expect(first).toBe('welcome');
  });

  it('graceful close sends 1001 to open sockets', async () => {
    const server = new Server();
    server.get('/ws', async (ctx) => {
      const ws = await ctx.upgrade();
      for await (const m of ws) await ws.send(m);
    });
    const own = await server.listen({ port: 0, host: '127.0.0.1' });
    const client = await connect(`ws://127.0.0.1:${own.port}/ws`);
    const closed = new Promise<[number, string]>((resolve) => client.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString()])));
    await own.close({ timeout: 2_000 });
    expect(await closed).toEqual([1001, 'server shutting down']);
  });
});

describe('acceptWebSocket on a socket that is already gone', () => {
  it('rejects at once instead of waiting forever', async () => {
    let error: unknown;
    const errored = new Promise<void>((resolve) => {
      const server = http.createServer();
      server.on('upgrade', (req, socket, head) => {
        socket.destroy();
        acceptWebSocket({ req, socket, head }).catch((err: unknown) => {
          error = err;
          resolve();
        });
      });
      servers.push(server);
      server.listen(0, '127.0.0.1', () => {
        const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        client.on('error', () => {});
        clients.push(client);
      });
    });
    await errored;
    expect(error).toMatchObject({ code: 'EXW_ERR_WS_HANDSHAKE_FAILED' });
  });
});

describe('lazy loading', () => {
  it('importing the runtime loads neither ws nor send; the first use does', () => {
    const code = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const loaded = () => Object.keys(require.cache).filter((k) => /node_modules\\/(send|ws)\\//.test(k)).length;
      await import('./runtime/index.ts');
      const before = loaded();
      const { acceptWebSocket } = await import('./runtime/websocket.ts');
      await acceptWebSocket({ req: {}, socket: { destroyed: false, once() {}, removeListener() {}, on() {} }, head: Buffer.alloc(0) }).catch(() => {});
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
    const { before, after } = JSON.parse(out.trim().split('\n').at(-1)!) as { before: number; after: number };
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});
