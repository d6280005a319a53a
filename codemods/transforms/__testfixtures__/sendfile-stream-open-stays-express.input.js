const fs = require('fs');
const express = require('express');

const app = express();

// The error listener logs as well: more than handing the error on.
app.get('/logged/:name', (req, res, next) => {
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
app.get('/counted/:name', (req, res, next) => {
  const stream = fs.createReadStream(req.params.name);
  stream.on('error', (err) => next(err));
  stream.once('open', () => {
    console.log('opened', req.params.name);
    stream.pipe(res);
  });
});

module.exports = app;
