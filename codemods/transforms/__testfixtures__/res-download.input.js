const express = require('express');
const app = express();

// A file that exists wherever the app runs from: the express package's manifest.
const manifest = require.resolve('express/package.json');

app.get('/manifest', (req, res) => {
  res.download(manifest, 'express-manifest.json');
});

app.get('/manifest/own-name', (req, res) => {
  res.download(require.resolve('express/package.json'));
});

app.get('/manifest/cached', (req, res) => {
  res.download('package.json', 'manifest.json', { root: require('path').dirname(manifest), maxAge: 60000 });
});

module.exports = app;
