const { Server } = require('expressway/runtime');
const posts = require('./posts');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

// Loads the post once per request, also when next('route') moves on.
// app.param('postId'): the GET /posts/:postId route below runs it first, once per request (Express did not run it again after next('route')).
const postIdParam = async (ctx) => {
  let idOrSlug = ctx.params.postId;
  const post = posts.find(idOrSlug);
  if (!post) {
    ctx.json({ error: `post ${idOrSlug} not found` }, 404);
    ctx.abort();
    return;
  }
  ctx.state.post = post;
};

async function hideDrafts(ctx) {
  // Drafts are answered by the next route.
  if (ctx.state.post.draft && ctx.query.preview !== 'secret') return 'route';
}

async function showPost(ctx) {
  ctx.json(ctx.state.post);
}

// Drafts without the preview token.
const postIdRoute2 = async (ctx) => {
  ctx.json({ error: 'post not published', id: ctx.state.post.id }, 404);
};

// Published posts.
// 2 Express routes GET /posts/:postId and app.param('postId') as one route: a function's 'route' result is its next('route').
app.get('/posts/{postId}', async (ctx) => {
  await postIdParam(ctx);
  if (ctx.aborted) return;
  if ((await hideDrafts(ctx)) !== 'route') {
    if (ctx.aborted) return;
    await showPost(ctx);
    return;
  }
  await postIdRoute2(ctx);
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
