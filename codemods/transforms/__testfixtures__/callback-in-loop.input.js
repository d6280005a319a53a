const express = require('express');
const db = require('./db');
const app = express();

app.get('/batch', (req, res) => {
  const out = [];
  const ids = String(req.query.ids).split(',');
  ids.forEach((id) => {
    db.get(id, (err, row) => {
      out.push(row);
      if (out.length === ids.length) res.json(out);
    });
  });
});

module.exports = app;
