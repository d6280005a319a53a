const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method.
const legacyApp = express();

// Everything under /files is a file path.
app.get('/files/{wildcard:.*}', async (ctx) => {
  ctx.json({ path: ctx.params.wildcard });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
