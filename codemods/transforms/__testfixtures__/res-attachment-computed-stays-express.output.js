const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// The extension is only known at run time: Express derives the Content-Type from it.
// expressway-todo: res.attachment with a computed file name (Express derives the type from its extension at run time)
legacyApp.get('/export', (req, res) => {
  res.attachment(String(req.query.name)).send('x');
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
