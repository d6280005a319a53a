const express = require('express');
const User = require('./models/user');
const app = express();

app.get('/users/:id', (req, res) => {
  User.findById(req.params.id)
    .then((user) => {
      res.json(user);
    })
    .catch((err) => {
      res.status(500).json({ error: err.message });
    });
});

module.exports = app;
