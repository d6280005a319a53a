const express = require('express');
const app = express();

app.get(/^\/api\/(.*)$/, (req, res) => {
  res.json({ rest: req.params[0] });
});

module.exports = app;
