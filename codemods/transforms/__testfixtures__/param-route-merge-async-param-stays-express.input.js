const express = require('express');
const db = require('./db');

const app = express();

// The lookup is asynchronous: next() runs after the await, which Express 4 does not wait for.
app.param('id', async (req, res, next, id) => {
  req.item = await db.find(id);
  next();
});

app.get('/items/:id', (req, res) => res.json(req.item));

module.exports = app;
