const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const fs = require('fs');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: the response object is passed around as a value
legacyApp.get('/log', (req, res) => {
  fs.createReadStream(__filename).pipe(res);
  console.log('piping');
});

// expressway-todo: the request object is passed around as a value
legacyApp.get('/copy', (req, res) => {
  req.pipe(res);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
