const path = require('path');
const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress, renderView } = require('expressway/compat');
const app = new Server({ jsonSpaces: 2, malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Only res.render reads these: they stay with the routes left on Express.
legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, 'views'));
legacyApp.set('json spaces', 2);

app.get('/', async (ctx) => {
  await renderView(legacyApp, ctx, 'index', { title: 'home' });
});

app.get('/api/status', async (ctx) => {
  ctx.json({ up: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
