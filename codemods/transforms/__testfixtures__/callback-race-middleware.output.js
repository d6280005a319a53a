const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const cache = require('./cache');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Middleware racing a slow cache: a hit answers, a miss or a timeout moves on, an error goes to the error handler.
app.requestMiddleware(async function cached(ctx) {
  await new Promise((resolve, reject) => {
    let responded = false;
    let done = false;
    const timer = setTimeout(() => {
      done = true;

      if (!responded) {
        responded = true;
        resolve();
      }
    }, 200);
    cache.lookup(ctx.query.key, (err, hit) => {
      if (done) return;
      clearTimeout(timer);
      if (err) {
        if (!responded) {
          responded = true;
          reject(err);
        }

        return;
      }
      if (hit) {
        if (!responded) {
          responded = true;
          ctx.setHeader('X-Cache', 'hit');
          ctx.json({ cached: hit });
          ctx.abort();
          resolve();
        }

        return;
      }

      if (!responded) {
        responded = true;
        resolve();
      }
    });
  });
});

app.get('/page', async (ctx) => {
  ctx.json({ page: true });
});

const handleError = async (ctx, err) => {
  ctx.json({ error: err.message }, 502);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
