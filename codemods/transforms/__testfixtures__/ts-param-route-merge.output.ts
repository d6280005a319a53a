import express from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { findPost } from './posts';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// app.param('postId'): the GET /posts/:postId route below runs it first, once per request (Express did not run it again after next('route')).
const postIdParam = async (ctx: Context) => {
  let id = ctx.params.postId;
  const post = findPost(id);
  if (!post) {
    ctx.json({ error: 'not found' }, 404);
    ctx.abort();
    return;
  }
  ctx.state.post = post;
};

const onlyPublished = async (ctx: Context) => {
  if (!ctx.state.post.published) return 'route';
};

const postIdRoute1 = async (ctx: Context) => {
  ctx.json(ctx.state.post);
};

const postIdRoute2 = async (ctx: Context) => {
  ctx.json({ error: 'unpublished' }, 403);
};

// 2 Express routes GET /posts/:postId and app.param('postId') as one route: a function's 'route' result is its next('route').
app.get('/posts/{postId}', async (ctx) => {
  await postIdParam(ctx);
  if (ctx.aborted) return;
  if ((await onlyPublished(ctx)) !== 'route') {
    if (ctx.aborted) return;
    await postIdRoute1(ctx);
    return;
  }
  await postIdRoute2(ctx);
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
