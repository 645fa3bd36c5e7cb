// Placeholder for the reference deployment: the full Express server replaces this file.
// It answers GET /health so the quick-start command already starts something observable.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const server = createServer((req, res) => {
  const ok = req.method === 'GET' && req.url === '/health';
  res.writeHead(ok ? 200 : 404, { 'content-type': ok ? 'application/json' : 'application/problem+json' });
  res.end(
    JSON.stringify(ok ? { status: 'ok' } : { type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found' }),
  );
});
server.listen(port, host, () =>
  console.log(JSON.stringify({ level: 'info', msg: `listening on http://${host}:${port}` })),
);
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
