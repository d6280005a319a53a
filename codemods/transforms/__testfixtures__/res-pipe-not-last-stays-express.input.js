const express = require('express');
const fs = require('fs');

const app = express();

app.get('/log', (req, res) => {
  fs.createReadStream(__filename).pipe(res);
  console.log('piping');
});

app.get('/copy', (req, res) => {
  req.pipe(res);
});

module.exports = app;
