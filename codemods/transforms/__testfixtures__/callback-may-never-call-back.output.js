const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const queue = require('./queue');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Express leaves the request pending when the queue never answers; so does the migrated handler.
app.post('/jobs', async (ctx) => {
  const [err, id] = await new Promise((resolve) => queue.push(ctx.requestBody, (...args) => resolve(args)));
  if (err)
    throw err;
  ctx.json({ id }, 202);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
