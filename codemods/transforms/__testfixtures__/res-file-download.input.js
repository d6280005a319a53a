const express = require('express');
const path = require('path');
const app = express();

app.get('/report', (req, res) => {
  res.sendFile(path.join(__dirname, 'report.pdf'));
});

app.get('/export', (req, res) => {
  res.download(path.join(__dirname, 'data.csv'), 'export.csv');
});

module.exports = app;
