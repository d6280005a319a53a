const express = require('express');
const app = express();

function requireKey(req, res, next) {
  if (req.get('x-api-key') !== 'k') {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  next();
}

app.use(requireKey);

app.get('/secret', (req, res) => res.json({ secret: 42 }));

module.exports = app;
