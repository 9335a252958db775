/**
 * The benchmark's baseline: a bare `node:http` server that responds to every request with the same small
 * JSON body as `GET /healthz`, so the figures show what vpcep-connect costs on top of Node's HTTP stack.
 * It runs as a child of `bench/run.ts` and listens on 127.0.0.1 on a free port.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportReady } from './children.ts';

const BODY = JSON.stringify({ status: 'ok' });

const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(BODY),
  });
  response.end(BODY);
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  reportReady({ kind: 'ready', url: `http://127.0.0.1:${port}` }, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
