const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const models = require('./models/user');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// then(onValue, onError): the rejection handler is not a Node-style callback; both answer through a respond-promise.
app.get('/users/{id}', async (ctx) => {
  await new Promise((resolve) => {
    let responded = false;
    models.findById(ctx.params.id).then((user) => {
      if (!user) {
        if (!responded) {
          responded = true;
          ctx.json({ error: 'not found' }, 404);
          resolve();
        }

        return;
      }

      if (!responded) {
        responded = true;
        ctx.json(user);
        resolve();
      }
    }, (loadError) => {
      if (!responded) {
        responded = true;
        ctx.json({ error: loadError.message }, 500);
        resolve();
      }
    });
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
