const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/kind/{k}', async (ctx) => {
  switch (ctx.params.k) {
    case 'a':
      ctx.json({ a: 1 });
      break;
    case 'b':
      ctx.json({ b: 2 });
      break;
    default:
      ctx.json({ error: 'unknown' }, 400);
  }
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
