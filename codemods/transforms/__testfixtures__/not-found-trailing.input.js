const express = require('express');
const app = express();

app.get('/', (req, res) => res.send('home'));

app.use((req, res) => {
  res.status(404).json({ error: 'Not Found', path: req.originalUrl });
});

module.exports = app;
