const express = require('express');
const db = require('./db');

const app = express();

// next() runs from a callback: work across next().
app.param('id', (req, res, next, id) => {
  db.find(id, (err, item) => {
    if (err) return next(err);
    req.item = item;
    next();
  });
});

app.get('/items/:id', (req, res) => res.json(req.item));

module.exports = app;
