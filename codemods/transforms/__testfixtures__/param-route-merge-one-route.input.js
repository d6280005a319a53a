const express = require('express');
const app = express();

app.param('id', (req, res, next, id) => {
  req.item = { id };
  next();
});

app.get('/items/:id', (req, res) => res.json(req.item));

module.exports = app;
