const express = require('express');
const app = express();

app.get('/old', (req, res) => {
  res.redirect('/new');
});

app.get('/moved', (req, res) => {
  res.redirect(301, '/permanent');
});

app.get('/back', (req, res) => {
  res.redirect('back');
});

module.exports = app;
