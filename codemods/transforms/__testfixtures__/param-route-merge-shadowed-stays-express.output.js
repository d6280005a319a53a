const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const legacy = require('./legacy-handlers');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

legacyApp.param('id', (req, res, next, id) => {
  req.item = { id };
  next();
});

// Stays on Express (a handler from elsewhere) and matches /items/special before /items/:id does:
// the merged route would answer first, so the param and its route stay on Express too.
// expressway-todo: the handler is defined outside this file
legacyApp.get('/items/special', legacy.special);

// expressway-todo: req.item is set outside migrated code
legacyApp.get('/items/:id', (req, res) => res.json(req.item));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
