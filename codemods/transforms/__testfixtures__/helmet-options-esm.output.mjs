import { Server } from 'expressway/runtime';
import { fixedHeaders } from 'expressway/compat';
import helmet from 'helmet';

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

app.requestMiddleware(
  fixedHeaders(helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", 'cdn.example.com'],
        upgradeInsecureRequests: null,
      },
    },
    hsts: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: ['no-referrer', 'strict-origin-when-cross-origin'] },
  })),
);

app.get('/', async (ctx) => ctx.json({ home: true }));

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

export default app.handler;
