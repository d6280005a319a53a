const express = require('express');
const db = require('./db');
const app = express();
app.use(express.json());

app.post('/notes', (req, res, next) => {
  db.run('INSERT INTO notes (text) VALUES (?)', [req.body.text], function (err) {
    if (err) return next(err);
    res.status(201).json({ id: this.lastID });
  });
});

module.exports = app;
