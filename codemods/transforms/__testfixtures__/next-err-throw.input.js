const express = require('express');
const app = express();

app.get('/fail', (req, res, next) => {
  const err = new Error('nope');
  err.status = 400;
  return next(err);
});

app.get('/fail-async', async (req, res, next) => {
  try {
    res.json(await load());
  } catch (e) {
    next(e);
  }
});

module.exports = app;
