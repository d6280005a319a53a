const path = require('path');
const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress, renderView } = require('expressway/compat');

const app = new Server(
  { middlewareOrder: 'registration', methodNotAllowed: false, malformedPath: 'express' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, '__testfixtures__', 'views'));
// Read by every rendered page.
legacyApp.locals.siteName = 'Field Notes';

app.requestMiddleware(async (ctx) => {
  ctx.state.locale = ctx.query.lang === 'de' ? 'de' : 'en';
});

app.get('/', async (ctx) => {
  await renderView(legacyApp, ctx, 'page', { title: 'Home' });
});

app.get('/api/status', async (ctx) => {
  ctx.json({ ok: true, locale: ctx.state.locale });
});

app.get('/boom', async (ctx) => {
  throw new Error('boom');
});

app.requestMiddleware('/api', async (ctx) => {
  if (!ctx.header('x-key')) {
    ctx.json({ error: 'key' }, 401);
    ctx.abort();
  }
});

app.get('/about', async (ctx) => {
  await renderView(legacyApp, ctx, 'page', { title: 'About' });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

// eslint-disable-next-line no-unused-vars
const handleError = async (ctx, err) => {
  ctx.status = 500;
  await renderView(legacyApp, ctx, 'page', { title: err.message }, { finalHandler: true });
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp, { finalHandler: 'runtime' }));

module.exports = app.handler;
