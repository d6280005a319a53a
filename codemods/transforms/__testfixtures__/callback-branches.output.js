const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const cache = require('./cache');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/cached/{key}', async (ctx) => {
  const [err, hit] = await new Promise((resolve) => cache.lookup(ctx.params.key, (...args) => resolve(args)));
  if (err) {
    throw err;
  } else if (hit) {
    ctx.setHeader('X-Cache', 'hit');

    if (typeof hit === 'string') {
      ctx.html(hit);
    } else {
      ctx.body = hit;
    }
  } else {
    ctx.json({ miss: true }, 404);
  }
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
