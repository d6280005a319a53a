const express = require('express');
const app = express();

app.param('id', (req, res, next, id) => {
  req.item = { id };
  next();
});

app.get('/items/:id', (req, res) => res.json(req.item));

// Runs for the routes below only: the two :id routes cannot share one legacy app around it.
app.use((req, res, next) => {
  res.set('x-after', 'yes');
  next();
});

app.get('/items/:id/raw', (req, res) => res.json(req.item));

module.exports = app;
