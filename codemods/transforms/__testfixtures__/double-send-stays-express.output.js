const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: may respond twice (Express sends the first response only)
legacyApp.get('/twice', (req, res) => {
  if (req.query.a) {
    res.json({ a: true });
  }
  res.json({ a: false });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
