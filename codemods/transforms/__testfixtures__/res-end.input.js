const express = require('express');
const app = express();

app.head('/ping', (req, res) => {
  res.status(200).end();
});

app.get('/text', (req, res) => {
  res.end('done');
});

module.exports = app;
