const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// res.sendFile inside a racing callback: the file is sent asynchronously, which a guarded decision cannot hold.
// expressway-todo: res is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: res.sendFile() inside a callback (the file is sent asynchronously)
legacyApp.get('/reports/:id', (req, res) => {
  const timer = setTimeout(() => res.status(504).end(), 500);
  db.get(req.params.id, (err, row) => {
    clearTimeout(timer);
    res.sendFile(row.path);
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
