const path = require('path');
const express = require('express');

const { Server } = require('expressway/runtime');
const { fromExpressErrorHandler, mountExpress } = require('expressway/compat');

const app = new Server({ middlewareOrder: 'registration' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, '__testfixtures__', 'views'));
// Read by every rendered page.
legacyApp.locals.siteName = 'Field Notes';

app.requestMiddleware(async (ctx) => {
  ctx.state.locale = ctx.query.lang === 'de' ? 'de' : 'en';
});

// expressway-todo: res.render needs the Express view engine
legacyApp.get('/', (req, res) => {
  res.render('page', { title: 'Home' });
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

// expressway-todo: res.render needs the Express view engine
legacyApp.get('/about', (req, res) => {
  res.render('page', { title: 'About' });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

// eslint-disable-next-line no-unused-vars
// expressway-todo: error handler runs through fromExpressErrorHandler: res.render needs the Express view engine
const handleError = fromExpressErrorHandler((err, req, res, next) => {
  res.status(500);
  res.render('page', { title: err.message });
}, { app: legacyApp });

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp, { finalHandler: 'runtime' }));

module.exports = app.handler;
