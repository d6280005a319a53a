const path = require('path');
const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress, renderView } = require('expressway/compat');
const accepts = require('accepts');
const { createError } = require('expressway/helpers');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, '__testfixtures__', 'views'));
legacyApp.locals.siteName = 'Field Notes';

const posts = { first: { id: 1, title: 'First', body: 'Hello' } };

async function loadPost(ctx) {
  const post = posts[ctx.params.slug];
  if (!post) {
    ctx.json({ error: `post ${ctx.params.slug} not found` }, 404);
    ctx.abort();
    return;
  }
  ctx.state.post = post;
  ctx.state.locale = 'en';
}

// As in hard-cases (destructured): the post comes from middleware on req, and is rendered, sent as JSON or as text.
async function showPost(ctx) {
  const post = ctx.state.post;
  ctx.vary('Accept');
  const accepted = accepts(ctx.req).types(['text/html', 'application/json', 'text/plain']);

  if (accepted === 'text/html') {
    ctx.setHeader('Content-Type', 'text/html; charset=utf-8');
    await renderView(legacyApp, ctx, 'render-post', { post });
  } else if (accepted === 'application/json') {
    ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
    ctx.json(post);
  } else if (accepted === 'text/plain') {
    ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
    ctx.html(`${post.title}\n\n${post.body}\n`);
  } else {
    throw createError(406, { types: ['text/html', 'application/json', 'text/plain'] });
  }
}

app.get('/posts/{slug}', loadPost, showPost);

// eslint-disable-next-line no-unused-vars
const handleError = async (ctx, err) => {
  ctx.json({ error: err.message }, err.status || 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
