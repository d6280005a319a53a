/**
 * The server every hardening run attacks: a runtime Server with the kinds
 * of routes real apps have (static, param, regex tail, body echo, query
 * echo, a large streamed body, a slow answer, a quiet stream, an answer
 * sent before its body is read). Built in-process by tests
 * that need no isolation, and by target-process.ts in a child process for
 * the runs that must survive a crash.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server, type ServerOptions } from '../../runtime/index.js';

/** Timeouts small enough that a fuzz connection left open ends in seconds. */
export const HARDENING_SERVER_OPTIONS: ServerOptions = {
  host: '127.0.0.1',
  keepAliveTimeout: 1_000,
  headersTimeout: 2_000,
  requestTimeout: 3_000,
  maxHeaderSize: 16_384,
  bodyLimit: 64 * 1024,
  logErrors: false,
};

/** A readable of `total` bytes in 64 KiB chunks, made on demand (honours backpressure). */
export function largeBody(total: number): Readable {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(chunk.length, total - sent);
      sent += size;
      this.push(size === chunk.length ? chunk : chunk.subarray(0, size));
    },
  });
}

/** 'first\n' at once, 'last\n' after `ms`: a response in flight that is quiet, not stuck. */
export function pausedBody(ms: number): Readable {
  let step = 0;
  let timer: NodeJS.Timeout | undefined;
  return new Readable({
    read() {
      if (step === 0) this.push('first\n');
      else if (step === 1) timer = setTimeout(() => this.push('last\n'), ms);
      else this.push(null);
      step++;
    },
    destroy(err, callback) {
      clearTimeout(timer);
      callback(err);
    },
  });
}

export function buildTargetServer(options: ServerOptions = {}): Server {
  const server = new Server({ ...HARDENING_SERVER_OPTIONS, ...options });
  server.get('/', (ctx) => ctx.text('ok'));
  server.get('/users/{id}', (ctx) => ctx.json({ id: ctx.params.id }));
  server.get('/q', (ctx) => ctx.json({ keys: Object.keys(ctx.query).length }));
  server.get('/files/{path:.+}', (ctx) => ctx.json({ path: ctx.params.path }));
  server.post('/echo', async (ctx) => {
    const body = await ctx.text();
    ctx.json({ length: body.length });
  });
  server.get('/stream/{bytes}', (ctx) => ctx.stream(largeBody(Number(ctx.params.bytes) || 0)));
  server.get('/pause/{ms}', (ctx) => ctx.stream(pausedBody(Math.min(Number(ctx.params.ms) || 0, 5_000))));
  // Answers before reading its body: a request timeout after this point can only close the connection.
  server.post('/early-answer', (ctx) => ctx.stream(pausedBody(60_000)));
  server.get('/slow/{ms}', async (ctx) => {
    await sleep(Math.min(Number(ctx.params.ms) || 0, 5_000));
    ctx.text('slow ok');
  });
  server.get('/ws', async (ctx) => {
    const ws = await ctx.upgrade();
    for await (const message of ws) await ws.send(message);
  });
  server.get('/sse', async (ctx) => {
    const stream = await ctx.sse({ heartbeat: 1_000 });
    for (let i = 0; i < 50 && !stream.closed; i++) {
      await stream.send({ id: i, data: { i } });
      await sleep(50);
    }
    stream.close();
  });
  return server;
}
