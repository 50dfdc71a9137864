/**
 * The Node HTTP server around the Yoga fetch handler. It refuses bodies over the request cap
 * (by Content-Length) before Yoga reads them, so an oversized upload costs nothing but the
 * refusal. Blob size itself is checked again, exactly, by the blob service.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ErrorCode } from '../errors';
import type { StudioYoga } from './yoga';

/** Largest request body: a 1 MiB blob, JSON-escaped, plus the query around it. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

function refuse(res: ServerResponse, limit: number): void {
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  res.end(
    JSON.stringify({
      errors: [
        {
          message: `Request body over ${limit} bytes`,
          extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE, limit },
        },
      ],
    }),
  );
}

export function createHttpServer(yoga: StudioYoga, maxBytes = MAX_REQUEST_BYTES): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    // A streamed body of unknown length could not be refused before it is read: ask for a length.
    if (
      req.headers['transfer-encoding'] !== undefined &&
      req.headers['content-length'] === undefined
    ) {
      res.writeHead(411, { 'content-type': 'application/json', connection: 'close' });
      res.end(
        JSON.stringify({
          errors: [
            {
              message: 'Send the body with a Content-Length',
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            },
          ],
        }),
      );
      req.resume();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      refuse(res, maxBytes);
      req.resume();
      return;
    }
    void yoga(req, res);
  });
}
