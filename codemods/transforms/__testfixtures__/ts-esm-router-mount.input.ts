import express, { type Request, type Response } from 'express';
import tasks from './tasks.js';

const router = express.Router();

router.get('/', (req: Request, res: Response) => {
  res.json({ projects: [] });
});

const app = express();
app.use(express.json());
app.use('/projects', router);
app.use('/tasks', tasks);

export default app;
