const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: req.tenant is set outside migrated code
legacyApp.get('/tenant', (req, res) => {
  res.json({ tenant: req.tenant });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
