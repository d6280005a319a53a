const express = require('express');
const app = express();

app.get('/plain', (req, res) => {
  res.type('text').send('plain text');
});

app.get('/xml', (req, res) => {
  res.set('Content-Type', 'application/xml');
  res.send('<a/>');
});

module.exports = app;
