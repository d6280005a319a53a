import express = require('express');

// expressway-todo: app stays on Express: app is passed to other code
const app = express();

app.get('/', (req, res) => {
  res.json({ ok: true });
});

export = app;
