const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: res.write streams the response
legacyApp.get('/stream', (req, res) => {
  res.write('a');
  res.write('b');
  res.end();
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
