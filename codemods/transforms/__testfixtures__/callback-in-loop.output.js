const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/batch', async (ctx) => {
  await new Promise((resolve) => {
    let responded = false;
    const out = [];
    const ids = String(ctx.query.ids).split(',');
    ids.forEach((id) => {
      db.get(id, (err, row) => {
        out.push(row);
        if (out.length === ids.length) {
          if (!responded) {
            responded = true;
            ctx.json(out);
            resolve();
          }
        }
      });
    });
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
