import express, { Request, Response } from 'express';

import { Server } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: res.render needs the Express view engine
legacyApp.get('/view', (req: Request, res: Response) => {
  res.render('index');
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
