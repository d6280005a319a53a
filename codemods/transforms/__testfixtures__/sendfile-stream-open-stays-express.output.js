const fs = require('fs');
const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// The error listener logs as well: more than handing the error on.
// expressway-todo: res is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: the response object is passed around as a value
legacyApp.get('/logged/:name', (req, res, next) => {
  const stream = fs.createReadStream(req.params.name);
  stream.on('error', (err) => {
    console.error(err);
    next(err);
  });
  stream.once('open', () => {
    stream.pipe(res);
  });
});

// The open listener does work of its own before piping.
// expressway-todo: res is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: the response object is passed around as a value
legacyApp.get('/counted/:name', (req, res, next) => {
  const stream = fs.createReadStream(req.params.name);
  stream.on('error', (err) => next(err));
  stream.once('open', () => {
    console.log('opened', req.params.name);
    stream.pipe(res);
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
