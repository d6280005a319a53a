import express from 'express';
import { Server } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { load } from './store.mjs';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// app.param('slug'): the GET /pages/:slug route below runs it first, once per request (Express did not run it again after next('route')).
const slugParam = async (ctx) => {
  let slug = ctx.params.slug;
  ctx.state.page = load(slug);
};

const slugRoute1 = async (ctx) => {
  if (!ctx.state.page) return 'route';
  ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.body = ctx.state.page.text;
};

const slugRoute2 = async (ctx) => {
  ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.status = 404;
  ctx.body = `no page ${ctx.params.slug}`;
};

// 2 Express routes GET /pages/:slug and app.param('slug') as one route: a function's 'route' result is its next('route').
app.get('/pages/{slug}', async (ctx) => {
  await slugParam(ctx);
  if (ctx.aborted) return;
  if ((await slugRoute1(ctx)) !== 'route') return;
  await slugRoute2(ctx);
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
