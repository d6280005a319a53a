const express = require('express');
const app = express();

// The extension is only known at run time: Express derives the Content-Type from it.
app.get('/export', (req, res) => {
  res.attachment(String(req.query.name)).send('x');
});

module.exports = app;
