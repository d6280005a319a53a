const express = require('express');
const db = require('./db');
const app = express();

app.get('/users/:id', (req, res, next) => {
  db.get('SELECT * FROM users WHERE id = ?', [req.params.id], (err, row) => {
    if (err) return next(err);
    if (!row) return res.status(404).json({ error: 'not found' });
    res.json(row);
  });
});

module.exports = app;
