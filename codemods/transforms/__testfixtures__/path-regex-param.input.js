const express = require('express');
const app = express();

app.get('/items/:id(\\d+)', (req, res) => {
  res.json({ id: Number(req.params.id) });
});

module.exports = app;
