// The mock's front door: a loopback proxy before Prism that makes each canned answer about the request it answers.
// Prism serves the spec's examples as they are, so an answer would name the example's invoice, not the caller's; the
// client rightly refuses an answer that echoes another request (x-ecpay-echo). The proxy decrypts the request with
// the public stage key, copies the echoed fields into the answer's Data and encrypts it again, as ECPay would answer.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operations } from '../generated/operations.gen.ts';
import { createAesKey, decryptData, encryptData } from './codec.ts';
import { STAGE_CREDENTIALS } from './config.ts';

const aes = createAesKey(STAGE_CREDENTIALS.hashKey, STAGE_CREDENTIALS.hashIV);
const echoByPath = new Map(Object.values(operations).filter((op) => op.echo).map((op) => [op.path, op.echo!]));

type Json = Record<string, unknown>;
const dig = (obj: unknown, path: string[]): unknown => path.reduce<unknown>((at, k) => (at !== null && typeof at === 'object' ? (at as Json)[k] : undefined), obj);

/** The answer's Data with every echoed field that the example fills set to the request's value. */
function echoed(requestBody: string, answerBody: string, echo: Readonly<Record<string, string>>): string | undefined {
  try {
    const request = JSON.parse(decryptData(aes, JSON.parse(requestBody).Data)) as Json;
    const answer = JSON.parse(answerBody) as Json;
    if (answer.TransCode !== 1 || typeof answer.Data !== 'string' || answer.Data === '') return undefined;
    const data = JSON.parse(decryptData(aes, answer.Data)) as Json;
    for (const [field, from] of Object.entries(echo)) {
      const path = field.split('.');
      const value = dig(request, from.split('.'));
      const holder = dig(data, path.slice(0, -1)) as Json | undefined;
      const current = holder?.[path.at(-1)!];
      if (value !== undefined && holder && current !== undefined && current !== '') holder[path.at(-1)!] = value;
    }
    return JSON.stringify({ ...answer, Data: encryptData(aes, JSON.stringify(data)) });
  } catch {
    return undefined; // not the stage key or not an envelope: pass the answer through as Prism gave it
  }
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

/** Listens on host:port (0 = a free one) and forwards to Prism at `target`. */
export async function startEchoProxy(target: string, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer(async (req, res) => {
    try {
      const body = await read(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
      }
      const answer = await fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) });
      const bytes = Buffer.from(await answer.arrayBuffer());
      const echo = echoByPath.get((req.url ?? '').split('?')[0]!);
      const rewritten = echo && /json/.test(answer.headers.get('content-type') ?? '') ? echoed(body, bytes.toString('utf8'), echo) : undefined;
      const out = rewritten === undefined ? bytes : Buffer.from(rewritten);
      const outHeaders: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) outHeaders[name] = value;
      });
      res.writeHead(answer.status, { ...outHeaders, 'content-length': String(out.length) });
      res.end(out);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`the mock's proxy could not reach Prism: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
