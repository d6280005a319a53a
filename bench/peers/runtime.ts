/**
 * The Expressway runtime peer, written the way the contract shows it: async
 * middleware, path-scoped middleware for /users, ctx.json, ctx.sse(),
 * ctx.upgrade(). Serves every scenario (a-g) and the idle SSE clients.
 */
import { Server, type EventStream } from '../../runtime/index.js';
import { reportListening } from './peer-ipc.js';
import { HELLO, HOST, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, TICK, userBody, type BenchState } from './shared.js';

const server = new Server<BenchState>({ host: HOST, port: 0 });

server.get('/', async (ctx) => {
  ctx.json(HELLO);
});

// Scenario (b): five request middleware and one response middleware, scoped to /users.
server.requestMiddleware('/users', async (ctx) => {
  ctx.state.a = 1;
});
server.requestMiddleware('/users', async (ctx) => {
  ctx.state.b = 1;
});
server.requestMiddleware('/users', async (ctx) => {
  ctx.state.c = 1;
});
server.requestMiddleware('/users', async (ctx) => {
  ctx.state.d = 1;
});
server.requestMiddleware('/users', async (ctx) => {
  ctx.state.e = 1;
});
server.responseMiddleware('/users', async (ctx) => {
  ctx.setHeader(RESPONSE_HEADER, RESPONSE_HEADER_VALUE);
});
server.get('/users/{id}', async (ctx) => {
  ctx.json(userBody(ctx.params.id, ctx.state));
});

server.post('/echo', async (ctx) => {
  ctx.json(await ctx.json());
});

// Scenario (g): a broadcast to every open stream, started once `?clients=` streams are open.
const streams = new Set<EventStream>();
let broadcasting = false;

async function broadcast(): Promise<void> {
  broadcasting = true;
  while (streams.size > 0) {
    // Lockstep rounds: one event to every stream, then wait for the slowest.
    await Promise.all([...streams].map((sse) => sse.send({ data: TICK })));
    for (const sse of streams) if (sse.closed) streams.delete(sse);
    // Let I/O in between rounds (the sends resolve as microtasks when sockets keep up).
    await new Promise((resolve) => setImmediate(resolve));
  }
  broadcasting = false;
}

server.get('/events', async (ctx) => {
  const wanted = Number(ctx.query.clients ?? 1);
  const sse = await ctx.sse();
  streams.add(sse);
  ctx.signal.addEventListener('abort', () => streams.delete(sse));
  if (!broadcasting && streams.size >= wanted) void broadcast();
});

// Memory scenario: an open stream that never sends.
server.get('/idle', async (ctx) => {
  await ctx.sse();
});

// Scenario (f): WebSocket echo.
server.get('/ws', async (ctx) => {
  const ws = await ctx.upgrade();
  for await (const message of ws) await ws.send(message);
});

const running = await server.listen({ port: 0, host: HOST });
reportListening(running.port);
