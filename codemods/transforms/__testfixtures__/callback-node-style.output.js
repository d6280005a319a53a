const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/users/{id}', async (ctx) => {
  const [err, row] = await new Promise((resolve) => db.get(
    'SELECT * FROM users WHERE id = ?',
    [ctx.params.id],
    (...args) => resolve(args)
  ));

  if (err)
    throw err;
  if (!row) {
    ctx.json({ error: 'not found' }, 404);
    return;
  }
  ctx.json(row);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
