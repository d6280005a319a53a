const express = require('express');
const app = express();

app.get('/stream', (req, res) => {
  res.write('a');
  res.write('b');
  res.end();
});

module.exports = app;
