const express = require('express');
const app = express();

app.use((req, res, next) => {
  const started = Date.now();
  next();
  console.log('took', Date.now() - started);
});

module.exports = app;
