const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');

const app = new Server(
  { middlewareOrder: 'registration', methodNotAllowed: false, malformedPath: 'express' }
);

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it where they were registered
const legacyApp = express();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp2 = express();

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

// Bad ids and unknown users fall through: the audit middleware and the 404 handler below answer them.
app.get('/users/{id}', async (ctx) => {
  if (!/^\d+$/.test(ctx.params.id)) return ctx.fallThrough();
  const [err, user] = await new Promise((resolve) => db.get(ctx.params.id, (...args) => resolve(args)));
  if (err)
    throw err;
  if (!user) return ctx.fallThrough();
  ctx.json(user);
});

// A later route takes what this one hands on: it stays on Express, where next() reaches it.
// expressway-todo: next() in a route handler falls through to later routes (a later runtime registration may match the same requests)
legacyApp.get('/posts/:id', (req, res, next) => {
  if (req.params.id === 'latest') return next();
  res.json({ post: req.params.id });
});

app.requestMiddleware(mountExpress(legacyApp, { finalHandler: 'runtime' }));

app.get('/posts/latest', async (ctx) => {
  ctx.json({ post: 'latest' });
});

app.requestMiddleware(async (ctx) => {
  ctx.state.audited = true;
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found', audited: ctx.state.audited === true }, 404);
});

// eslint-disable-next-line no-unused-vars
const handleError = async (ctx, err) => {
  ctx.json({ error: err.message }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp2, { finalHandler: 'runtime' }));

module.exports = app.handler;
