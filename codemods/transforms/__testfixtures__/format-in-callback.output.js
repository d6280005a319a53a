const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const accepts = require('accepts');
const db = require('./db');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// The row arrives in a Node-style callback; the answer is negotiated there.
app.get('/users/{id}', async (ctx) => {
  const [err, row] = await new Promise((resolve) => db.get(ctx.params.id, (...args) => resolve(args)));
  if (err)
    throw err;
  if (!row) {
    ctx.json({ error: 'no such user' }, 404);
    return;
  }
  ctx.vary('Accept');
  const accepted = accepts(ctx.req).types(['json', 'text']);

  if (accepted === 'json') {
    ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
    ctx.json(row);
  } else if (accepted === 'text') {
    ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
    ctx.html(`${row.id} ${row.name}`);
  } else {
    ctx.json({ error: 'json or text' }, 406);
  }
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
