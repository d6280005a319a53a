'use strict';

const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp2 = express();

legacyApp2.disable('x-powered-by');

// No framework banner on any answer, Express's 404 page included.
legacyApp.disable('x-powered-by');

app.get('/ok', async (ctx) => {
  ctx.json({ ok: true });
});

// expressway-todo: res.jsonp has no runtime counterpart
legacyApp.get('/padded', (req, res) => {
  res.jsonp({ padded: true });
});

const handleError = async (ctx, err) => {
  ctx.json({ error: err.message }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp, { finalHandler: 'runtime' }));
app.requestMiddleware(mountExpress(legacyApp2));

module.exports = app.handler;
