const express = require('express');
const app = express();

app.post('/things', (req, res) => {
  res.status(201).json({ created: true });
});

module.exports = app;
