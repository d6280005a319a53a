const express = require('express');
const app = express();

const types = [];

// Reads a header back after the answer: the runtime does not keep its headers on the raw response.
app.use((req, res, next) => {
  res.on('finish', () => {
    types.push(res.getHeader('content-type'));
  });
  next();
});

app.get('/types', (req, res) => {
  res.json(types);
});

module.exports = app;
