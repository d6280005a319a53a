const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/race', async (ctx) => {
  await new Promise((resolve) => {
    let responded = false;
    db.get(ctx.query.id, (err, row) => {
      if (!responded) {
        responded = true;
        ctx.json(row);
        resolve();
      }
    });
    console.log('asked');
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
