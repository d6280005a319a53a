const path = require('path');
const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress, renderView } = require('expressway/compat');
const accepts = require('accepts');
const { createError } = require('expressway/helpers');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, '__testfixtures__', 'views'));
// The final handler's page says "Internal Server Error" instead of a stack trace.
legacyApp.set('env', 'production');
legacyApp.locals.siteName = 'Field Notes';

const posts = { 1: { id: 1, title: 'First <post>', body: 'Hello & welcome' } };

app.requestMiddleware(async (ctx) => {
  ctx.state.locale = ctx.query.lang === 'de' ? 'de' : 'en';
});

async function showPost(ctx) {
  const post = posts[ctx.params.id];
  if (!post) {
    ctx.json({ error: 'no such post' }, 404);
    return;
  }
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

app.get('/posts/{id}', showPost);

// A view that fails to render: the error goes to the error handler, as next(err) did.
app.get('/broken', async (ctx) => {
  await renderView(legacyApp, ctx, 'render-broken');
});

// The error handler's own view fails for this one: Express's final handler answers.
app.get('/worse', async (ctx) => {
  throw Object.assign(new Error('worse'), { status: 418 });
});

app.notFound(async (ctx) => {
  ctx.status = 404;
  ctx.vary('Accept');
  const accepted = accepts(ctx.req).types(['html']);

  if (accepted === 'html') {
    ctx.setHeader('Content-Type', 'text/html; charset=utf-8');
    await renderView(legacyApp, ctx, 'render-not-found', { path: ctx.path });
  } else {
    ctx.json({ error: 'not found' });
  }
});

// eslint-disable-next-line no-unused-vars
const handleError = async (ctx, err) => {
  const status = err.status || 500;
  const message = status < 500 ? err.message : 'Something went wrong';
  ctx.status = status;
  ctx.vary('Accept');
  const accepted = accepts(ctx.req).types(['html']);

  if (accepted === 'html') {
    ctx.setHeader('Content-Type', 'text/html; charset=utf-8');

    await renderView(
      legacyApp,
      ctx,
      'render-error',
      { status, message, detail: status === 418 ? undefined : { hint: 'try again' } },
      { finalHandler: true }
    );
  } else {
    ctx.json({ error: message });
  }
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp, { finalHandler: 'runtime' }));

module.exports = app.handler;
