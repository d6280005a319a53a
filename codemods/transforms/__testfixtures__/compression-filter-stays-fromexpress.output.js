'use strict';

const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const compression = require('compression');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// A custom filter reads Express req/res: compression stays on Express.
app.requestMiddleware(fromExpress(compression({
  filter: (req, res) => (req.headers['x-no-compression'] ? false : compression.filter(req, res)),
})));

app.get('/data', async (ctx) => {
  ctx.json({ ok: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
