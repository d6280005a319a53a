const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress, renderView } = require('expressway/compat');
const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('view engine', 'ejs');

app.get('/a', async (ctx) => await renderView(legacyApp, ctx, 'a'));

// Runs for /b only: /a and /b would need two legacy apps, and only one can keep the view settings.
app.requestMiddleware(async (ctx) => {
  ctx.setHeader('x-after', 'yes');
});

app.get('/b', async (ctx) => await renderView(legacyApp, ctx, 'b'));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
