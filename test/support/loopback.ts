// A real node:http server on 127.0.0.1 for fault tests: each handler sees the raw request and response, so it can
// answer wrongly, slowly, or not at all. It counts the requests it actually received.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decryptData, encryptData } from '../../src/codec.ts';
import { stageAes } from './fake-ecpay.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string, index: number) => void | Promise<void>;

export async function startServer(handler: Handler) {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      void handler(req, res, body, bodies.length - 1);
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    /** The raw request bodies received, in order. */
    bodies,
    get count() {
      return bodies.length;
    },
    close,
  };
}

/** Listens on a free port of 127.0.0.1; `close` also ends the connections a client keeps alive. */
export async function listenOnLoopback(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Decrypts a request body's Data with the stage key. */
export const requestData = (body: string) => JSON.parse(decryptData(stageAes, JSON.parse(body).Data));

/** A correct ECPay answer with this decrypted result. */
/** An answer with a JSON body (an envelope, usually), 200 unless another status is given. */
export function sendJson(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body);
}

export function ecpayAnswer(result: unknown, extra: Record<string, unknown> = {}) {
  return ecpayEnvelope(encryptData(stageAes, JSON.stringify(result)), extra);
}

/** A success envelope around Data as given (already encrypted, or deliberately not), stamped with the current time. */
export function ecpayEnvelope(data: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    MerchantID: '2000132',
    RpHeader: { Timestamp: Math.floor(Date.now() / 1000) },
    TransCode: 1,
    TransMsg: 'Success',
    Data: data,
    ...extra,
  });
}
