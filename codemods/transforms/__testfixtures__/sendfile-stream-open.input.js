const fs = require('fs');
const path = require('path');
const express = require('express');

const app = express();
const FILES = path.join(__dirname, '__testfixtures__');

// Streamed as it is read; a missing file falls through to the 404 below.
app.get('/raw/:name', (req, res, next) => {
  const stream = fs.createReadStream(path.join(FILES, req.params.name));
  stream.on('error', (err) => next(err.code === 'ENOENT' ? undefined : err));
  stream.once('open', () => {
    res.type('text/plain');
    stream.pipe(res);
  });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(500).json({ error: err.code || 'unknown' });
});

module.exports = app;
