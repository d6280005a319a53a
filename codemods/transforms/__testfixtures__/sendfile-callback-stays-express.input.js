const path = require('path');
const express = require('express');

const app = express();
const FILES = path.join(__dirname, 'files');

// Express leaves the request hanging when the callback drops the error.
app.get('/quiet/:name', (req, res) => {
  res.sendFile(req.params.name, { root: FILES }, (err) => {
    if (err) console.error(err);
  });
});

// The callback also runs after a successful transfer.
app.get('/logged/:name', (req, res, next) => {
  res.sendFile(req.params.name, { root: FILES }, (err) => {
    if (err) return next(err);
    console.log('sent', req.params.name);
  });
});

// Code after the call runs before the callback in Express.
app.get('/after/:name', (req, res, next) => {
  res.sendFile(req.params.name, { root: FILES }, (err) => {
    if (err) next(err);
  });
  console.log('sending');
});

// A path computed by a call the codemod cannot see into: it may throw before anything is sent.
app.get('/computed/:name', (req, res, next) => {
  res.sendFile(lookup(req.params.name), { root: FILES }, (err) => {
    if (err) next(err);
  });
});

// The "*" capture keeps a trailing slash in Express that the runtime's drops.
app.get('/docs/*', (req, res, next) => {
  res.sendFile(req.params[0] || 'index.html', { root: FILES }, (err) => {
    if (err) next(err);
  });
});

function lookup(name) {
  return name.toLowerCase();
}

module.exports = app;
