const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const { parseurl } = require('expressway/helpers');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/api/{wildcard:.*}', async (ctx) => {
  ctx.json(
    { api: parseurl(ctx.req).pathname.slice(0, 5).toLowerCase() === '/api/' ? decodeURIComponent(parseurl(ctx.req).pathname.slice(5)) : ctx.params.wildcard }
  );
});

// "*" alone captures the whole path, leading slash included.
app.get('/{wildcard:.*}', async (ctx) => {
  ctx.json(
    { missing: parseurl(ctx.req).pathname.slice(0, 1).toLowerCase() === '/' ? decodeURIComponent(parseurl(ctx.req).pathname) : '/' + ctx.params.wildcard },
    404
  );
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
