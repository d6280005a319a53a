const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const app = new Server();

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: res is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code)
legacyApp.get('/race', (req, res) => {
  db.get(req.query.id, (err, row) => {
    res.json(row);
  });
  console.log('asked');
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
