const express = require('express');

const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: api stays on Express: router has middleware that stays on Express before native routes (req is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: req.baseUrl is read inside a callback of middleware (Express changes it once next() moves on))
const api = express.Router();
const seen = [];

// Under a mount path Express's req.baseUrl is that path: the node request does not carry it.
// expressway-todo: middleware runs through fromExpress: req is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: req.baseUrl is read inside a callback of middleware (Express changes it once next() moves on)
app.requestMiddleware('/api', fromExpress((req, res, next) => {
  res.on('finish', () => {
    seen.push(`${req.baseUrl}${req.route ? req.route.path : ''}`);
  });
  next();
}, { path: '/api' }));

// In a router too.
// expressway-todo: req is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: req.baseUrl is read inside a callback of middleware (Express changes it once next() moves on)
api.use((req, res, next) => {
  res.on('finish', () => {
    seen.push(req.route ? `${req.baseUrl}${req.route.path}` : '(unmatched)');
  });
  next();
});

api.get('/items', (req, res) => {
  res.json(seen);
});

// expressway-todo: router api stays on Express (router has middleware that stays on Express before native routes (req is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: req.baseUrl is read inside a callback of middleware (Express changes it once next() moves on)))
legacyApp.use('/api', api);

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
