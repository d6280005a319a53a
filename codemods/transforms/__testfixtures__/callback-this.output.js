const express = require('express');
const { Server, jsonBody } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(jsonBody());

app.post('/notes', async (ctx) => {
  const [callbackThis, err] = await new Promise((resolve) => db.run(
    'INSERT INTO notes (text) VALUES (?)',
    [ctx.requestBody.text],
    function(...args) {
      resolve([this, ...args]);
    }
  ));

  if (err)
    throw err;
  ctx.json({ id: callbackThis.lastID }, 201);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
