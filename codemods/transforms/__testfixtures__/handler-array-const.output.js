const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

async function requireKey(ctx) {
  if (ctx.header('x-key') !== 'k') {
    ctx.json({ error: 'key' }, 401);
    ctx.abort();
  }
}

// Registered once: Express flattens it where the route is registered.
const createChecks = [requireKey, async (ctx) => {
  ctx.setHeader('x-checked', 'yes');
}];

// Registered twice: each route would need its own converted copy, so it keeps its Express shape.
const shared = [(req, res, next) => { res.set('x-two', 'yes'); next(); }];

app.post('/items', ...createChecks, async (ctx) => {
  ctx.json({ created: true }, 201);
});

app.get('/a', fromExpress(shared), async (ctx) => ctx.json({ a: true }));
app.get('/b', fromExpress(shared), async (ctx) => ctx.json({ b: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
