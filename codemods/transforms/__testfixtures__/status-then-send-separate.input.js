const express = require('express');
const app = express();

app.get('/teapot', (req, res) => {
  res.status(418);
  res.send('short and stout');
});

module.exports = app;
