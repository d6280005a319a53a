const path = require('path');
const express = require('express');

const app = express();

// The fixtures folder stands in for a folder of documents.
const FILES = path.join(__dirname, '__testfixtures__');

// A missing document falls through to the 404 below; other failures go to the error handler.
app.get('/src/:name', (req, res, next) => {
  res.sendFile(req.params.name, { root: FILES, dotfiles: 'deny', maxAge: '1h' }, (err) => {
    if (!err) return;
    if (err.status === 404) return next();
    next(err);
  });
});

app.get('/export/:name', (req, res, next) => {
  res.download(path.join(FILES, req.params.name), `copy-${req.params.name}`, (err) => {
    // Only a missing file is a 404; the rest is the error handler's.
    if (err && !res.headersSent) next(err.code === 'ENOENT' ? undefined : err);
  });
});

app.get('/plain/:name', (req, res, next) => {
  const file = path.join(FILES, req.params.name);
  res.sendFile(file, function (err) {
    if (err) {
      res.status(err.status || 500).json({ missing: req.params.name, code: err.code || null });
    }
  });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(err.status || 500).json({ error: err.message, code: err.code || null });
});

module.exports = app;
