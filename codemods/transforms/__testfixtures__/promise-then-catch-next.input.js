const express = require('express');
const User = require('./models/user');
const app = express();

app.get('/users', (req, res, next) => {
  User.findAll()
    .then((users) => res.json(users))
    .catch(next);
});

module.exports = app;
