const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server();

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method.
const legacyApp2 = express();

app.get('/ok', async (ctx) => {
  ctx.json({ ok: true });
});

// res.format stays on Express; its errors still reach the app's error handler.
// expressway-todo: res.format negotiates on Express internals
legacyApp.get('/page', (req, res) => {
  res.format({
    json: () => res.json({ page: 1 }),
    default: () => {
      throw new Error('no page in this format');
    },
  });
});

// No 404 handler: Express answers unknown paths (and known paths with another method) with its own 404 page.
// eslint-disable-next-line no-unused-vars
const handleError = async (ctx, err) => {
  ctx.json({ error: err.message }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp, { finalHandler: 'runtime' }));
app.requestMiddleware(mountExpress(legacyApp2));

module.exports = app.handler;
