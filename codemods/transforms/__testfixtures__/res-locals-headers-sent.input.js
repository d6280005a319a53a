const express = require('express');
const app = express();

app.use((req, res, next) => {
  res.locals.requestId = req.get('x-request-id');
  next();
});

app.get('/id', (req, res) => {
  if (res.headersSent) return;
  res.json({ id: res.locals.requestId });
});

module.exports = app;
