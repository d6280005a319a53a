const express = require('express');
const app = express();

app.get('/kind/:k', (req, res) => {
  switch (req.params.k) {
    case 'a':
      res.json({ a: 1 });
      break;
    case 'b':
      res.json({ b: 2 });
      break;
    default:
      res.status(400).json({ error: 'unknown' });
  }
});

module.exports = app;
