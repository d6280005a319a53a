const express = require('express');
const app = express();

app.delete('/items/:id', (req, res) => {
  res.sendStatus(204);
});

app.get('/forbidden', (req, res) => res.sendStatus(403));

module.exports = app;
