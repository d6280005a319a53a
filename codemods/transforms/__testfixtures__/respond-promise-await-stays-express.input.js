const express = require('express');
const db = require('./db');
const models = require('./models/user');
const app = express();

// Awaits, then answers from a timer that races the database: an executor cannot hold the await.
app.get('/users/:id', async (req, res) => {
  const user = await models.findById(req.params.id);
  const timer = setTimeout(() => res.status(504).json({ error: 'timeout' }), 500);
  db.get(user.id, (err, row) => {
    clearTimeout(timer);
    res.json(row);
  });
});

module.exports = app;
