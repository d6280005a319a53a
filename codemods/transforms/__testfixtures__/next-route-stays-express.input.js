const express = require('express');
const app = express();

app.get('/users/:id', (req, res, next) => {
  if (req.params.id === 'me') return next('route');
  res.json({ id: req.params.id });
});

app.get('/users/:id', (req, res) => {
  res.json({ me: true });
});

module.exports = app;
