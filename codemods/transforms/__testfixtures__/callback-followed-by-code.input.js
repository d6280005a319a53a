const express = require('express');
const db = require('./db');
const app = express();

app.get('/race', (req, res) => {
  db.get(req.query.id, (err, row) => {
    res.json(row);
  });
  console.log('asked');
});

module.exports = app;
