const express = require('express');
const models = require('./models/user');
const app = express();

// then(onValue, onError): the rejection handler is not a Node-style callback; both answer through a respond-promise.
app.get('/users/:id', (req, res) => {
  models.findById(req.params.id).then((user) => {
    if (!user) return res.status(404).json({ error: 'not found' });
    res.json(user);
  }, (loadError) => {
    res.status(500).json({ error: loadError.message });
  });
});

module.exports = app;
