const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

legacyApp.param('id', (req, res, next, id) => {
  req.item = { id };
  next();
});

// Two paths with :id: the callback serves both, so it stays on Express with them.
// expressway-todo: req.item is set outside migrated code
legacyApp.get('/items/:id', (req, res) => res.json(req.item));
// expressway-todo: req.item is set outside migrated code
legacyApp.get('/items/:id/owner', (req, res) => res.json({ owner: req.item.id }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
