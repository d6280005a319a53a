const express = require('express');
const passport = require('passport');
const app = express();

app.use(passport.initialize());
app.use(passport.session());

app.get('/me', (req, res) => {
  res.json(req.user);
});

module.exports = app;
