'use strict';

const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const compression = require('compression');
const options = require('./compression-options');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(fromExpress(compression(options)));

app.get('/data', async (ctx) => {
  ctx.json({ ok: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
