const express = require('express');

const app = express();

app.param('id', (req, res, next, id) => {
  req.item = { id };
  next();
});

// Two paths with :id: the callback serves both, so it stays on Express with them.
app.get('/items/:id', (req, res) => res.json(req.item));
app.get('/items/:id/owner', (req, res) => res.json({ owner: req.item.id }));

module.exports = app;
