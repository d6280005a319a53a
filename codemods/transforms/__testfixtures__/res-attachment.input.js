const express = require('express');
const app = express();

// res.attachment sets Content-Type from the file name's extension, then Content-Disposition.
app.get('/export/:id', (req, res) => {
  const row = `${req.params.id},ada\n`;
  res.type('text/plain').attachment('reports/export-rows.csv').send(row);
});

app.get('/download', (req, res) => {
  res.attachment().send(Buffer.from('raw'));
});

module.exports = app;
