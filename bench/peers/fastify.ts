/**
 * Fastify 5, idiomatic: routes return values, the /users scope is an
 * encapsulated plugin with five onRequest hooks and one onSend hook, request
 * fields are declared with decorateRequest, the body parser is built in.
 */
import Fastify from 'fastify';
import { reportListening } from './peer-ipc.js';
import { FIELDS, HELLO, HOST, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, userBody, type BenchState } from './shared.js';

declare module 'fastify' {
  interface FastifyRequest {
    bench: BenchState;
  }
}

const app = Fastify({ logger: false });
app.decorateRequest('bench', null as unknown as BenchState);

app.get('/', async () => HELLO);

app.register(async (users) => {
  users.addHook('onRequest', async (request) => {
    request.bench = { a: 1 };
  });
  for (const field of FIELDS.slice(1)) {
    users.addHook('onRequest', async (request) => {
      request.bench[field] = 1;
    });
  }
  users.addHook('onSend', async (_request, reply, payload) => {
    reply.header(RESPONSE_HEADER, RESPONSE_HEADER_VALUE);
    return payload;
  });
  users.get<{ Params: { id: string } }>('/users/:id', async (request) => userBody(request.params.id, request.bench));
});

app.post('/echo', async (request) => request.body);

await app.listen({ host: HOST, port: 0 });
const address = app.server.address();
if (address && typeof address === 'object') reportListening(address.port);
