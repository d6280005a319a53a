const express = require('express');
const users = require('./users');

const app = express();

app.param('userId', (req, res, next, id) => {
  const user = users.get(id);
  if (!user) return next(new Error('no such user'));
  req.user = user;
  next();
});

// The first route hands everything but admins on with next(); the last one hands guests to what follows.
app.get('/users/:userId', (req, res, next) => {
  if (!req.user.admin) return next();
  res.json({ admin: req.user.name });
});

app.get('/users/:userId', (req, res, next) => {
  if (req.user.guest) {
    next('route');
    return;
  }
  res.json({ user: req.user.name });
});

app.use((req, res) => {
  res.status(404).send('nothing here');
});

app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});

module.exports = app;
