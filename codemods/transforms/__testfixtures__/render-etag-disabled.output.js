const path = require('path');
const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress, renderView } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, '__testfixtures__', 'views'));
// Rendered pages carry no ETag, so they are never answered 304.
legacyApp.disable('etag');

app.get('/', async (ctx) => {
  ctx.state.locale = 'en';
  await renderView(legacyApp, ctx, 'page', { title: 'Home', siteName: 'Notes' });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
