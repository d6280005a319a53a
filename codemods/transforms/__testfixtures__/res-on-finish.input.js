const express = require('express');
const app = express();

const finished = [];

// Records every answer once it is out: the listener reads the status written.
app.use((req, res, next) => {
  res.on('finish', () => {
    finished.push({ method: req.method, url: req.originalUrl, status: res.statusCode, sent: res.headersSent });
  });
  next();
});

app.get('/teapot', (req, res) => {
  res.status(418).json({ short: true });
});

app.get('/finished', (req, res) => {
  res.json(finished);
});

module.exports = app;
