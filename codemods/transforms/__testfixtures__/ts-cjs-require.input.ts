import express = require('express');

const app = express();

app.get('/', (req, res) => {
  res.json({ ok: true });
});

export = app;
