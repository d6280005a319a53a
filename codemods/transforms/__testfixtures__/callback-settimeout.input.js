const express = require('express');
const app = express();

app.get('/slow', (req, res) => {
  setTimeout(() => {
    res.json({ waited: true });
  }, 50);
});

module.exports = app;
