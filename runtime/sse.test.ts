/**
 * openEventStream against a real node:http server on 127.0.0.1, read by the
 * `eventsource` client and by raw HTTP. The harness host implements the
 * structural SseHost the way the runtime's Context does: builder headers,
 * and a commitHead() that runs "response middleware" before writeHead.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import { formatEvent, openEventStream, type EventStream, type EventStreamOptions, type SseHost } from './sse.js';
import { Server } from './server.js';
import type { RunningServer } from './listen.js';

class TestHost implements SseHost {
  status = 404;
  readonly headers = new Map<string, string>([['content-length', '0']]);
  private readonly controller = new AbortController();
  private committing: Promise<void> | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    res.once('close', () => {
      if (!res.writableFinished) this.controller.abort();
    });
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), value);
  }
  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }
  commitHead(): Promise<void> {
    this.committing ??= (async () => {
      await Promise.resolve();
      // A response middleware adding CORS and seeing the status.
      this.setHeader('access-control-allow-origin', '*');
      this.setHeader('x-response-mw', `saw ${this.status} ${this.headers.get('content-type')}`);
      this.res.writeHead(this.status, Object.fromEntries(this.headers));
    })();
    return this.committing;
  }
}

type Handler = (stream: EventStream, host: TestHost) => Promise<void> | void;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Handler, opts?: EventStreamOptions): Promise<{ url: string; port: number }> {
  const server = http.createServer((req, res) => {
    const host = new TestHost(req, res);
    openEventStream(host, opts).then((stream) => handler(stream, host));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/events`, port };
}

/** Reads the raw body until `until` matches what was received so far. */
async function readUntil(url: string, until: (text: string) => boolean, headers: Record<string, string> = {}): Promise<{ text: string; res: Response }> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  controller.abort();
  return { text, res };
}

describe('openEventStream', () => {
  it('sends the SSE head through commitHead: type, no-cache, keep-alive, no length, middleware headers', async () => {
    const { url } = await serve((stream) => {
      void stream.send({ data: 'x' });
    });
    const { res } = await readUntil(url, (t) => t.includes('data: x'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('connection')).toBe('keep-alive');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-response-mw')).toBe('saw 200 text/event-stream');
  });

  it('does not claim keep-alive to an HTTP/1.0 client', async () => {
    const { port } = await serve(async (stream) => {
      await stream.send({ data: 'old' });
      stream.close();
    });
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /events HTTP/1.0\r\nHost: x\r\n\r\n'));
      let got = '';
      socket.on('data', (d) => (got += d));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).not.toContain('connection: keep-alive');
    expect(text).toContain('data: old\n\n');
  });

  it('writes event, id, retry and multi-line data in the wire format', async () => {
    const { url } = await serve(async (stream) => {
      await stream.send({ event: 'greet', id: 7, retry: 1500, data: 'line one\nline two\r\nline three\rfour' });
      await stream.send({ data: { nested: { ok: true }, text: 'a\nb' } });
      await stream.comment('just a note');
      await stream.send({ data: '' });
    });
    const { text } = await readUntil(url, (t) => t.includes('data: \n\n'));
    expect(text).toBe(
      'event: greet\nid: 7\nretry: 1500\ndata: line one\ndata: line two\ndata: line three\ndata: four\n\n' +
        'data: {"nested":{"ok":true},"text":"a\\nb"}\n\n' +
        ': just a note\n\n' +
        'data: \n\n',
    );
  });

  it('is understood by a real EventSource client (types, multi-line data, lastEventId)', async () => {
    const { url } = await serve(async (stream) => {
      await stream.send({ data: 'first\nsecond', id: 'a1' });
      await stream.send({ event: 'custom', data: { n: 2 }, id: 'a2' });
    });
    const es = new EventSource(url);
    try {
      const received = await new Promise<Array<{ type: string; data: string; lastEventId: string }>>((resolve, reject) => {
        const got: Array<{ type: string; data: string; lastEventId: string }> = [];
        const push = (e: MessageEvent) => {
          got.push({ type: e.type, data: e.data, lastEventId: e.lastEventId });
          if (got.length === 2) resolve(got);
        };
        es.onmessage = push;
        es.addEventListener('custom', push);
        es.onerror = (e) => reject(new Error(`EventSource error: ${String((e as { message?: string }).message)}`));
      });
      expect(received).toEqual([
        { type: 'message', data: 'first\nsecond', lastEventId: 'a1' },
        { type: 'custom', data: '{"n":2}', lastEventId: 'a2' },
      ]);
    } finally {
      es.close();
    }
  });

  it('exposes the Last-Event-ID a reconnecting client sends', async () => {
    const { url } = await serve(async (stream) => {
      await stream.send({ data: `resume after ${stream.lastEventId}` });
    });
    const { text } = await readUntil(url, (t) => t.includes('\n\n'), { 'last-event-id': '41' });
    expect(text).toBe('data: resume after 41\n\n');
  });

  it('sends heartbeat comments while idle', async () => {
    const { url } = await serve(() => {}, { heartbeat: 20 });
    const { text } = await readUntil(url, (t) => t.split(': heartbeat\n\n').length > 2);
    expect(text.startsWith(': heartbeat\n\n: heartbeat\n\n')).toBe(true);
  });

  it('rejects CR/LF in event and id, NUL in id, and a bad retry, with a coded error', async () => {
    for (const bad of [{ event: 'a\nb', data: 1 }, { id: 'x\ry', data: 1 }, { id: 'x\0', data: 1 }, { retry: -5 }, { retry: 1.5 }, {}]) {
      expect(() => formatEvent(bad)).toThrow(expect.objectContaining({ code: 'EXW_ERR_SSE_INVALID_FIELD' }));
    }
    let rejection: unknown;
    const { url } = await serve(async (stream) => {
      rejection = await stream.send({ event: 'inject\ndata: evil', data: 'x' }).catch((err: unknown) => err);
      await stream.send({ data: 'after' });
    });
    const { text } = await readUntil(url, (t) => t.includes('after'));
    expect(text).toBe('data: after\n\n');
    expect(rejection).toMatchObject({ code: 'EXW_ERR_SSE_INVALID_FIELD' });
  });

  it('stops when the client goes away: closed, heartbeat off, sends resolve false', async () => {
    let resolveGone!: (v: { closed: boolean; sent: boolean }) => void;
    const gone = new Promise<{ closed: boolean; sent: boolean }>((r) => (resolveGone = r));
    const { url } = await serve(
      async (stream, host) => {
        await stream.send({ data: 'hello' });
        host.signal.addEventListener('abort', async () => {
          resolveGone({ closed: stream.closed, sent: await stream.send({ data: 'nobody listens' }) });
        });
      },
      { heartbeat: 10 },
    );
    await readUntil(url, (t) => t.includes('hello'));
    expect(await gone).toEqual({ closed: true, sent: false });
  });

  it('close() ends the response for the client', async () => {
    let result: boolean | undefined;
    const { url } = await serve(async (stream) => {
      await stream.send({ data: 'bye' });
      stream.close();
      result = await stream.send({ data: 'too late' });
    });
    const res = await fetch(url);
    expect(await res.text()).toBe('data: bye\n\n');
    expect(result).toBe(false);
  });

  it('send waits for drain when the client does not read, and resumes when it does', async () => {
    const payload = 'x'.repeat(64 * 1024);
    const progress = { sent: 0, pending: false, finished: false as boolean | undefined };
    const { port } = await serve(async (stream) => {
      for (let i = 0; i < 400; i++) {
        progress.pending = true;
        const ok = await stream.send({ data: payload });
        progress.pending = false;
        if (!ok) {
          progress.finished = undefined;
          return;
        }
        progress.sent++;
      }
      progress.finished = true;
      stream.close();
    });
    let received = 0;
    const res = await new Promise<IncomingMessage>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/events', agent: false }, resolve);
    });
    res.pause();
    // The server fills the socket buffers, then its send() stays pending.
    await expect.poll(() => progress.pending && progress.sent > 0, { timeout: 10_000 }).toBe(true);
    const stalledAt = progress.sent;
    await new Promise((r) => setTimeout(r, 100));
    expect(progress.sent).toBe(stalledAt);
    expect(stalledAt).toBeLessThan(400);
    res.on('data', (chunk: Buffer) => (received += chunk.length));
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    expect(progress.finished).toBe(true);
    expect(progress.sent).toBe(400);
    expect(received).toBe(400 * (payload.length + 'data: \n\n'.length));
  });

  it('refuses to open when the head was already sent', async () => {
    let error: unknown;
    const server = http.createServer(async (req, res) => {
      res.writeHead(200).write('already');
      error = await openEventStream(new TestHost(req, res)).catch((err: unknown) => err);
      res.end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text();
    expect(error).toMatchObject({ code: 'EXW_ERR_SSE_HEAD_COMMITTED' });
  });
});

describe('ctx.sse() through the real Server', () => {
  let running: RunningServer;
  let base: string;
  const events: { goneSeen?: boolean; sendAfterGone?: boolean } = {};
  beforeAll(async () => {
    const server = new Server();
    server.responseMiddleware((ctx) => {
      ctx.setHeader('access-control-allow-origin', 'https://app.example');
      ctx.setHeader('x-request-id', 'req-1');
    });
    server.get('/events', async (ctx) => {
      const sse = await ctx.sse({ heartbeat: 25 });
      await sse.send({ event: 'ready', id: '1', retry: 2000, data: 'multi\nline' });
      await sse.send({ data: { n: 2 }, id: '2' });
    });
    server.get('/until-gone', async (ctx) => {
      const sse = await ctx.sse();
      await sse.send({ data: 'hello' });
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      events.goneSeen = sse.closed;
      events.sendAfterGone = await sse.send({ data: 'into the void' });
    });
    running = await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${running.port}`;
  });
  afterAll(() => running.close({ timeout: 1_000 }));

  it('applies response-middleware headers to the SSE response, with no Content-Length', async () => {
    const { res, text } = await readUntil(`${base}/events`, (t) => t.includes('id: 2'));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(res.headers.get('content-length')).toBeNull();
    expect(text).toContain('event: ready\nid: 1\nretry: 2000\ndata: multi\ndata: line\n\n');
  });

  it('delivers events and heartbeats to a real EventSource client', async () => {
    const es = new EventSource(`${base}/events`);
    try {
      // Both events may arrive in one chunk: listen for both before awaiting.
      const ready = new Promise<MessageEvent>((resolve, reject) => {
        es.addEventListener('ready', resolve);
        es.onerror = () => reject(new Error('EventSource error'));
      });
      const next = new Promise<MessageEvent>((resolve) => (es.onmessage = resolve));
      expect((await ready).data).toBe('multi\nline');
      expect((await ready).lastEventId).toBe('1');
      expect(JSON.parse((await next).data)).toEqual({ n: 2 });
    } finally {
      es.close();
    }
    const { text } = await readUntil(`${base}/events`, (t) => t.includes(': heartbeat\n\n'));
    expect(text).toContain(': heartbeat\n\n');
  });

  it('stops when the client goes away (ctx.signal), and later sends resolve false', async () => {
    await readUntil(`${base}/until-gone`, (t) => t.includes('hello'));
    await expect.poll(() => events.sendAfterGone, { timeout: 5_000 }).toBe(false);
    expect(events.goneSeen).toBe(true);
  });
});
