// The loopback servers of the end-to-end benchmark, run in their own process so that their CPU is not the
// client's: /raw answers a fixed JSON (the raw-fetch baseline); every ECPay path decrypts the request and encrypts
// a fresh answer, as ECPay does; under /fixed/ the same paths answer a fixed, pre-encrypted envelope (a diagnostic:
// the client's cost without the server's crypto). Prints its port, then serves until killed.
import { createServer } from 'node:http';
import { createAesKey, decryptData, encryptData } from '../../src/codec.ts';
import { STAGE_CREDENTIALS } from '../../src/client.ts';
import { cannedAnswer } from './payloads.ts';

const aes = createAesKey(STAGE_CREDENTIALS.hashKey, STAGE_CREDENTIALS.hashIV);
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    let answer = cannedAnswer;
    if (req.url !== '/raw' && !req.url?.startsWith('/fixed/')) {
      const request = JSON.parse(body);
      const data = JSON.parse(decryptData(aes, request.Data));
      answer = JSON.stringify({
        MerchantID: request.MerchantID,
        RpHeader: { Timestamp: Math.floor(Date.now() / 1000) },
        TransCode: 1,
        TransMsg: 'Success',
        Data: encryptData(aes, JSON.stringify({ RtnCode: 1, RtnMsg: `成功 ${data.TrackID}` })),
      });
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as { port: number }).port })));
