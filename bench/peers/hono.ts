/**
 * Hono on @hono/node-server: `app.use('/users/*')` middleware (one sets the
 * header after `await next()`, five set context variables), c.json, and
 * c.req.json() for the echo.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { reportListening } from './peer-ipc.js';
import { HELLO, HOST, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, userBody } from './shared.js';

const app = new Hono<{ Variables: { a: number; b: number; c: number; d: number; e: number } }>();

app.get('/', (c) => c.json(HELLO));

app.use('/users/*', async (c, next) => {
  await next();
  c.header(RESPONSE_HEADER, RESPONSE_HEADER_VALUE);
});
app.use('/users/*', async (c, next) => {
  c.set('a', 1);
  await next();
});
app.use('/users/*', async (c, next) => {
  c.set('b', 1);
  await next();
});
app.use('/users/*', async (c, next) => {
  c.set('c', 1);
  await next();
});
app.use('/users/*', async (c, next) => {
  c.set('d', 1);
  await next();
});
app.use('/users/*', async (c, next) => {
  c.set('e', 1);
  await next();
});
app.get('/users/:id', (c) =>
  c.json(userBody(c.req.param('id'), { a: c.get('a'), b: c.get('b'), c: c.get('c'), d: c.get('d'), e: c.get('e') })),
);

app.post('/echo', async (c) => c.json(await c.req.json()));

serve({ fetch: app.fetch, hostname: HOST, port: 0 }, (info) => reportListening(info.port));
