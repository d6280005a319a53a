const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// next() runs from a callback: work across next().
legacyApp.param('id', (req, res, next, id) => {
  db.find(id, (err, item) => {
    if (err) return next(err);
    req.item = item;
    next();
  });
});

// expressway-todo: req.item is set outside migrated code
legacyApp.get('/items/:id', (req, res) => res.json(req.item));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
