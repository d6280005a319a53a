const express = require('express');
const app = express();

app.get('/page', (req, res) => {
  res.render('page', { title: 'Hi' });
});

app.get('/data', (req, res) => res.json({ ok: true }));

module.exports = app;
