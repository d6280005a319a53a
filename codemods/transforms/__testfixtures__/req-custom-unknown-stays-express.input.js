const express = require('express');
const app = express();

app.get('/tenant', (req, res) => {
  res.json({ tenant: req.tenant });
});

module.exports = app;
