const express = require('express');
const app = express();

app.get('/html', (req, res) => {
  res.send('<h1>Hello</h1>');
});

app.get('/object', (req, res) => {
  res.send({ hello: 'world' });
});

app.get('/buffer', (req, res) => {
  res.send(Buffer.from('raw'));
});

app.get('/template', (req, res) => {
  res.send(`<p>${req.query.name}</p>`);
});

module.exports = app;
