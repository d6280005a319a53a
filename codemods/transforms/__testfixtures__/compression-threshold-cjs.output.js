'use strict';

const express = require('express');
const { Server, compress } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const compression = require('compression');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Compress what is worth it; small answers only get Vary.
app.requestMiddleware(compress({ threshold: 1024 }, compression));

app.get('/report', async (ctx) => {
  ctx.json({ rows: [] });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
