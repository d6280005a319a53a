/**
 * Scenario (b) on the runtime with plain functions instead of `async` ones:
 * what the runtime itself costs, apart from the promises an async app makes.
 * Not a bench peer (it answers only GET /users/{id}); for
 * bench/profile/instructions.sh, next to bench/peers/runtime.ts.
 */
import { Server } from '../../runtime/index.js';
import { reportListening } from '../peers/peer-ipc.js';
import { HOST, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, userBody, type BenchState } from '../peers/shared.js';

const server = new Server<BenchState>({ host: HOST, port: 0 });
server.requestMiddleware('/users', (ctx) => void (ctx.state.a = 1));
server.requestMiddleware('/users', (ctx) => void (ctx.state.b = 1));
server.requestMiddleware('/users', (ctx) => void (ctx.state.c = 1));
server.requestMiddleware('/users', (ctx) => void (ctx.state.d = 1));
server.requestMiddleware('/users', (ctx) => void (ctx.state.e = 1));
server.responseMiddleware('/users', (ctx) => ctx.setHeader(RESPONSE_HEADER, RESPONSE_HEADER_VALUE));
server.get('/users/{id}', (ctx) => ctx.json(userBody(ctx.params.id, ctx.state)));

const running = await server.listen({ port: 0, host: HOST });
reportListening(running.port);
