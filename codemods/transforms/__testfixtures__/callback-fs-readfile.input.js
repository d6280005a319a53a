const express = require('express');
const fs = require('fs');
const app = express();

app.get('/config', (req, res, next) => {
  fs.readFile('./config.json', 'utf8', (err, text) => {
    if (err) return next(err);
    res.type('json').send(text);
  });
});

module.exports = app;
