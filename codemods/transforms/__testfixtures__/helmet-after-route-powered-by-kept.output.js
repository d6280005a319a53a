const express = require('express');
const { Server } = require('expressway/runtime');
const { fixedHeaders, mountExpress } = require('expressway/compat');
const helmet = require('helmet');

const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it where they were registered
const legacyApp = express();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp2 = express();

legacyApp2.disable('x-powered-by');

// Registered before helmet: its answers carry X-Powered-By on Express, and still do on the legacy app;
// Express's 404 page came after helmet, so the app answering it gets disable('x-powered-by').
// expressway-todo: res.jsonp has no runtime counterpart
legacyApp.get('/padded', (req, res) => {
  res.jsonp({ padded: true });
});

app.requestMiddleware(mountExpress(legacyApp, { finalHandler: 'runtime' }));

app.requestMiddleware(fixedHeaders(helmet()));

app.get('/ok', async (ctx) => ctx.json({ ok: true }));

app.requestMiddleware(mountExpress(legacyApp2));

module.exports = app.handler;
