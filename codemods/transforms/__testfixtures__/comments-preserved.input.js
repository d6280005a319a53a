/**
 * File header.
 */
'use strict';

const express = require('express'); // the framework

const app = express();

// --- routes ---

/* block comment before a route */
app.get('/a', (req, res) => {
  // inside the handler
  const value = 1; /* inline */
  res.json({ value }); // trailing
});

// end of file
module.exports = app;
