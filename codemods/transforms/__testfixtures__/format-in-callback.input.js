const express = require('express');
const db = require('./db');

const app = express();

// The row arrives in a Node-style callback; the answer is negotiated there.
app.get('/users/:id', (req, res, next) => {
  db.get(req.params.id, (err, row) => {
    if (err) return next(err);
    if (!row) return res.status(404).json({ error: 'no such user' });
    res.format({
      json: () => res.json(row),
      text: () => res.send(`${row.id} ${row.name}`),
      default: () => res.status(406).json({ error: 'json or text' }),
    });
  });
});

module.exports = app;
