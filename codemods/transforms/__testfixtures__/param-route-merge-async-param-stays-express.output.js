const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// The lookup is asynchronous: next() runs after the await, which Express 4 does not wait for.
legacyApp.param('id', async (req, res, next, id) => {
  req.item = await db.find(id);
  next();
});

// expressway-todo: req.item is set outside migrated code
legacyApp.get('/items/:id', (req, res) => res.json(req.item));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
