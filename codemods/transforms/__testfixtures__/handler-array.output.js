const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

async function logged(ctx) {
  console.log(ctx.method, ctx.url);
}

async function timed(ctx) {
  ctx.setHeader('X-Started', String(Date.now()));
}

app.get('/array', logged, timed, async (ctx) => {
  ctx.json({ ok: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
