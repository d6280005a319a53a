/**
 * The Expressway runtime peer, written the way the contract shows it: async
 * middleware, path-scoped middleware for /users, ctx.json, ctx.sse(),
 * ctx.upgrade(). Serves every scenario (a-g) and the idle SSE clients.
 */
import { Server } from '../../runtime/index.js';
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

// Scenario (g): events as fast as the client reads them.
server.get('/events', async (ctx) => {
  const sse = await ctx.sse();
  while (await sse.send({ data: TICK }));
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
