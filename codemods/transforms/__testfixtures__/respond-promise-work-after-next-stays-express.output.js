const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const cache = require('./cache');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Express runs the next handler inside next(), before the log line: the promise cannot keep that order.
// expressway-todo: middleware runs through fromExpress: res is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: work after next() in a callback
app.requestMiddleware(fromExpress((req, res, next) => {
  const timer = setTimeout(() => res.status(504).end(), 500);
  cache.lookup(req.query.key, (err, hit) => {
    clearTimeout(timer);
    next();
    console.log('after next', hit);
  });
}));

app.get('/', async (ctx) => ctx.json({ ok: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
