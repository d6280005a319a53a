/**
 * Koa 3 with @koa/router: a /users router whose first middleware sets the
 * response header after `await next()` and five that set ctx.state fields.
 * Koa has no body parser of its own; /echo reads the stream like
 * @koa/bodyparser does.
 */
import Koa from 'koa';
import Router from '@koa/router';
import { reportListening } from './peer-ipc.js';
import { HELLO, HOST, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, userBody } from './shared.js';

const app = new Koa();
const root = new Router();
const users = new Router({ prefix: '/users' });

root.get('/', (ctx) => {
  ctx.body = HELLO;
});

root.post('/echo', async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  ctx.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
});

users.use(async (ctx, next) => {
  await next();
  ctx.set(RESPONSE_HEADER, RESPONSE_HEADER_VALUE);
});
users.use(async (ctx, next) => {
  ctx.state.a = 1;
  await next();
});
users.use(async (ctx, next) => {
  ctx.state.b = 1;
  await next();
});
users.use(async (ctx, next) => {
  ctx.state.c = 1;
  await next();
});
users.use(async (ctx, next) => {
  ctx.state.d = 1;
  await next();
});
users.use(async (ctx, next) => {
  ctx.state.e = 1;
  await next();
});
users.get('/:id', (ctx) => {
  ctx.body = userBody(ctx.params.id!, ctx.state);
});

app.use(root.routes()).use(users.routes());

const server = app.listen(0, HOST, () => {
  const address = server.address();
  if (address && typeof address === 'object') reportListening(address.port);
});
