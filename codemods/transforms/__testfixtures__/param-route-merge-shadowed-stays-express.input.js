const express = require('express');
const legacy = require('./legacy-handlers');

const app = express();

app.param('id', (req, res, next, id) => {
  req.item = { id };
  next();
});

// Stays on Express (a handler from elsewhere) and matches /items/special before /items/:id does:
// the merged route would answer first, so the param and its route stay on Express too.
app.get('/items/special', legacy.special);

app.get('/items/:id', (req, res) => res.json(req.item));

module.exports = app;
