const express = require('express');
const app = express();

// Everything under /files is a file path.
app.get('/files/*', (req, res) => {
  res.json({ path: req.params[0] });
});

module.exports = app;
