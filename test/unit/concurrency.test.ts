// 1,000 concurrent calls through a loopback server that decrypts every request and answers from its content:
// each caller must get its own answer, and nothing (sockets, timers) may be left open afterwards.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, STAGE_CREDENTIALS } from '../../src/index.ts';
import { ecpayAnswer, requestData, startServer, sendJson } from '../support/loopback.ts';

const CALLS = 1_000;
const KINDS = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'];
const resources = () =>
  Object.fromEntries(KINDS.map((k) => [k, process.getActiveResourcesInfo().filter((r) => r === k).length]));
const leaked = (before: Record<string, number>) => KINDS.filter((k) => resources()[k]! > before[k]!);

describe('concurrency', () => {
  it(`${CALLS} concurrent calls, no cross-talk, nothing left open`, async () => {
    const before = resources();
    const server = await startServer((_req, res, body) => {
      const data = requestData(body);
      // Answer out of order, so a mix-up would show.
      setTimeout(() => {
        sendJson(res, ecpayAnswer({ RtnCode: 1, RtnMsg: `track ${data.TrackID} state ${data.InvoiceStatus}` }));
      }, Math.random() * 20);
    });
    const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: server.url } });
    const results = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        einvoice.b2c.updateInvoiceWordStatus({ TrackID: `T${i}`, InvoiceStatus: (i % 3) as 0 | 1 | 2 }),
      ),
    );
    results.forEach((r, i) => expect(r.RtnMsg).toBe(`track T${i} state ${i % 3}`));
    expect(server.count).toBe(CALLS);
    await server.close();
    // Let the closed sockets settle, then compare with what was open before the test.
    for (let i = 0; i < 50 && leaked(before).length; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(leaked(before)).toEqual([]);
  }, 60_000);
});
