const express = require('express');
const app = express();

app.get('/users/:id?', (req, res) => {
  res.json({ id: req.params.id || null });
});

module.exports = app;
