import express from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { queue } from './queue.js';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.post('/jobs', async (ctx: Context) => {
  await new Promise<void>((resolve, reject) => {
    let responded = false;
    const timer = setTimeout(() => {
      if (!responded) {
        responded = true;
        ctx.json({ error: 'queue timeout' }, 504);
        resolve();
      }
    }, 500);
    queue.push(ctx.requestBody as any, (err: Error | null, id?: string) => {
      clearTimeout(timer);
      if (err) {
        if (!responded) {
          responded = true;
          reject(err);
        }

        return;
      }

      if (!responded) {
        responded = true;
        ctx.json({ id }, 202);
        resolve();
      }
    });
    // Logged before the queue answers, in Express and after the migration alike.
    console.log('queued');
  });
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
