const express = require('express');
const app = express();

app.post('/login', (req, res) => {
  res.cookie('sid', 'abc', { httpOnly: true, maxAge: 60000 });
  res.json({ ok: true });
});

app.post('/logout', (req, res) => {
  res.clearCookie('sid').json({ ok: true });
});

module.exports = app;
