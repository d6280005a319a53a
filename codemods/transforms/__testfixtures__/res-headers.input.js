const express = require('express');
const app = express();

app.get('/headers', (req, res) => {
  res.set({ 'X-One': '1', 'X-Two': '2' });
  res.header('X-Three', '3');
  res.append('Link', '<http://localhost/>');
  res.vary('Accept');
  res.location('/elsewhere');
  res.json({ ok: true });
});

module.exports = app;
