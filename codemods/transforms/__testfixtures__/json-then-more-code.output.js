const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const audit = require('./audit');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.post('/events', async (ctx) => {
  ctx.json({ accepted: true }, 202);
  // Express already sent the answer; this still runs.
  audit.record(ctx.requestBody);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
