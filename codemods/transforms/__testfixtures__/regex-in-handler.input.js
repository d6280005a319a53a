const express = require('express');
const app = express();
app.use(express.json());

app.post('/signup', (req, res) => {
  if (!/^[^@\s]+@[^@\s]+$/.test(req.body.email)) return res.status(400).json({ error: 'bad email' });
  res.status(201).json({ email: req.body.email });
});

module.exports = app;
