const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const { parseurl } = require('expressway/helpers');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Everything under /files is a file path.
app.get('/files/{wildcard:.*}', async (ctx) => {
  ctx.json(
    { path: parseurl(ctx.req).pathname.slice(0, 7).toLowerCase() === '/files/' ? decodeURIComponent(parseurl(ctx.req).pathname.slice(7)) : ctx.params.wildcard }
  );
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
