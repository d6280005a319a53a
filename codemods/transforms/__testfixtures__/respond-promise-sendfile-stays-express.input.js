const express = require('express');
const db = require('./db');
const app = express();

// res.sendFile inside a racing callback: the file is sent asynchronously, which a guarded decision cannot hold.
app.get('/reports/:id', (req, res) => {
  const timer = setTimeout(() => res.status(504).end(), 500);
  db.get(req.params.id, (err, row) => {
    clearTimeout(timer);
    res.sendFile(row.path);
  });
});

module.exports = app;
