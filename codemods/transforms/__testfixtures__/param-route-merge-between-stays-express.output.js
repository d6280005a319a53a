const express = require('express');

// expressway-todo: app stays on Express: app.param resolves routes that would land in different legacy apps (middleware between them)
const app = express();

app.param('id', (req, res, next, id) => {
  req.item = { id };
  next();
});

app.get('/items/:id', (req, res, next) => {
  if (req.query.skip) return next('route');
  res.json(req.item);
});

// Runs between the two routes for the requests the first hands on.
app.use('/items', (req, res, next) => {
  res.set('X-Between', '1');
  next();
});

app.get('/items/:id', (req, res) => res.json({ skipped: req.item.id }));

module.exports = app;
