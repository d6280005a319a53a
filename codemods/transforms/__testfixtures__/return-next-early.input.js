const express = require('express');
const app = express();

app.use((req, res, next) => {
  if (req.method === 'OPTIONS') return next();
  res.set('X-Checked', 'yes');
  return next();
});

app.get('/', (req, res) => res.json({}));

module.exports = app;
