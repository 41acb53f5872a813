// The mock's front door: a loopback proxy before Prism that makes each canned answer about the request it answers.
// Prism serves the spec's examples as they are, so an answer would name the example's invoice, not the caller's; the
// client rightly refuses an answer that echoes another request (x-ecpay-echo). The proxy decrypts the request with
// the public stage key, copies the echoed fields into the answer's Data and encrypts it again, as ECPay would answer.
// It also stamps every answer's RpHeader.Timestamp with the current time, as ECPay does: the examples' fixed 2018
// timestamp would make the client measure years of clock skew and blame this machine's clock.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operations } from '../generated/operations.gen.ts';
import { createAesKey, decryptData, encryptData } from './codec.ts';
import { STAGE_CREDENTIALS } from './config.ts';
import { dig, isRecord } from './schema.ts';

const aes = createAesKey(STAGE_CREDENTIALS.hashKey, STAGE_CREDENTIALS.hashIV);
const echoByPath = new Map(
  Object.values(operations)
    .filter((op) => op.echo)
    .map((op) => [op.path, op.echo!]),
);

type Json = Record<string, unknown>;

/** The answer with RpHeader.Timestamp set to `nowSeconds` and, for a success, every echoed field that the example's
 * Data fills set to the request's value. Undefined when the answer is not an envelope (passed through as it is). */
export function rewriteAnswer(
  requestBody: string,
  answerBody: string,
  echo: Readonly<Record<string, string>> | undefined,
  nowSeconds: number,
): string | undefined {
  let answer: Json;
  try {
    answer = JSON.parse(answerBody) as Json;
  } catch {
    return undefined;
  }
  if (!isRecord(answer)) return undefined;
  if (answer.RpHeader !== null && typeof answer.RpHeader === 'object')
    answer = { ...answer, RpHeader: { ...(answer.RpHeader as Json), Timestamp: nowSeconds } };
  if (echo && answer.TransCode === 1 && typeof answer.Data === 'string' && answer.Data !== '') {
    const data = echoed(requestBody, answer.Data, echo);
    if (data !== undefined) answer = { ...answer, Data: data };
  }
  return JSON.stringify(answer);
}

/** The answer's encrypted Data with every echoed field that the example fills set to the request's value. */
function echoed(requestBody: string, answerData: string, echo: Readonly<Record<string, string>>): string | undefined {
  try {
    const request = JSON.parse(decryptData(aes, JSON.parse(requestBody).Data)) as Json;
    const data = JSON.parse(decryptData(aes, answerData)) as Json;
    for (const [field, from] of Object.entries(echo)) {
      const at = field.lastIndexOf('.');
      const key = field.slice(at + 1);
      const value = dig(request, from);
      const holder = (at < 0 ? data : dig(data, field.slice(0, at))) as Json | undefined;
      const current = holder?.[key];
      if (value !== undefined && holder && current !== undefined && current !== '') holder[key] = value;
    }
    return encryptData(aes, JSON.stringify(data));
  } catch {
    return undefined; // not the stage key or not an envelope: the Data stays as Prism gave it
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

/** Listens on host:port (0 = a free one) and forwards to Prism at `target` (a URL, or a function giving the current one). */
export async function startEchoProxy(
  target: string | (() => string),
  host: string,
  port: number,
): Promise<{ server: Server; port: number }> {
  const targetUrl = typeof target === 'string' ? () => target : target;
  const server = createServer(async (req, res) => {
    try {
      const body = await read(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name))
          headers[name] = value;
      }
      const answer = await fetch(`${targetUrl()}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body ? { body } : {}),
      });
      const bytes = Buffer.from(await answer.arrayBuffer());
      const echo = echoByPath.get((req.url ?? '').split('?')[0]!);
      const json = /json/.test(answer.headers.get('content-type') ?? '');
      const rewritten = json
        ? rewriteAnswer(body, bytes.toString('utf8'), echo, Math.floor(Date.now() / 1000))
        : undefined;
      const out = rewritten === undefined ? bytes : Buffer.from(rewritten);
      const outHeaders: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name))
          outHeaders[name] = value;
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
