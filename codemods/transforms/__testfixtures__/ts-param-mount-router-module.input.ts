import express, { type Request, type Response } from 'express';
import tasks from './tasks.js';

const app = express();
app.use(express.json());

app.get('/orgs/:org', (req: Request<{ org: string }>, res: Response) => {
  res.json({ org: req.params.org });
});

app.use('/orgs/:org/teams/:team/tasks', tasks);

export default app;
