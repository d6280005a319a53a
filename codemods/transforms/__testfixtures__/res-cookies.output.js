const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.post('/login', async (ctx) => {
  ctx.setCookie('sid', 'abc', { httpOnly: true, maxAge: 60000 });
  ctx.json({ ok: true });
});

app.post('/logout', async (ctx) => {
  ctx.clearCookie('sid');
  ctx.json({ ok: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
