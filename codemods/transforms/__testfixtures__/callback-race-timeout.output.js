const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// A timer races the database: whichever answers first decides, the other is ignored.
app.get('/health', async function(ctx) {
  await new Promise((resolve) => {
    let responded = false;
    var answered = false;
    var timer = setTimeout(function () {
      answered = true;

      if (!responded) {
        responded = true;
        ctx.json({ status: 'unavailable', db: 'timeout' }, 503);
        resolve();
      }
    }, 200);

    // The predicate's value matters: it stays an expression.
    var mode = ['fast', 'err', 'slow', 'late'].find((m) => m === ctx.query.mode);
    db.ping(mode, function (err) {
      if (answered) return;
      clearTimeout(timer);
      if (err) {
        if (!responded) {
          responded = true;
          ctx.json({ status: 'unavailable', db: err.message }, 503);
          resolve();
        }

        return;
      }

      if (!responded) {
        responded = true;
        ctx.json({ status: 'ok', db: 'up' });
        resolve();
      }
    });
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
