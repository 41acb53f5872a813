// Paged queries as async iterators, from the spec's paging facts: every operation with x-ecpay-paging is walked
// page by page against a fake ECPay that answers its pages (as plain JSON Data for operations whose answer is
// plain, as GetIssueList's is on stage), so a new paged operation is covered without new code.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, STAGE_CREDENTIALS } from '../../src/index.ts';
import { decryptData, encryptData } from '../../src/codec.ts';
import { stageAes } from '../support/fake-ecpay.ts';
import { facadeFor, operation, paths } from '../support/spec.ts';

const paged = paths.filter((p) => operation(p).op['x-ecpay-paging']);

it('the spec has paged operations', () => expect(paged.length).toBeGreaterThan(0));

describe.each(paged)('%s', (path) => {
  const { op, responseExamples, examplePayload } = operation(path);
  const paging = op['x-ecpay-paging'];
  const query = examplePayload();
  const template = responseExamples.success['x-ecpay-data'];
  const item = template[paging.items][0];
  const total = 7;
  const size = 3;

  function pagesServer(plain: boolean) {
    const asked: number[] = [];
    const fetch: typeof globalThis.fetch = async (_input, init) => {
      const sent = JSON.parse(String(init?.body));
      const data = JSON.parse(decryptData(stageAes, sent.Data));
      const page = data[paging.page];
      asked.push(page);
      const count = Math.max(0, Math.min(size, total - (page - 1) * size));
      const result = {
        ...template,
        [paging.total]: total,
        [paging.items]: Array.from({ length: count }, (_, i) => ({ ...item, _n: (page - 1) * size + i })),
      };
      const Data = plain ? result : encryptData(stageAes, JSON.stringify(result));
      return new Response(
        JSON.stringify({ MerchantID: '2000132', RpHeader: { Timestamp: 1 }, TransCode: 1, TransMsg: '', Data }),
        { headers: { 'Content-Type': 'application/json' } },
      );
    };
    return { fetch, asked };
  }

  it.each([[true], [false]])('walks every page in order, reading plain Data: %s', async (plain) => {
    const server = pagesServer(plain);
    const client = createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: server.fetch });
    const fn = facadeFor(client, path);
    const items: any[] = [];
    for await (const it of fn.items({ ...query, [paging.size]: size, [paging.page]: 1 })) items.push(it);
    expect(server.asked).toEqual([1, 2, 3]);
    expect(items.map((i) => i._n)).toEqual([0, 1, 2, 3, 4, 5, 6]);

    const pages: any[] = [];
    for await (const page of fn.pages({ ...query, [paging.size]: size, [paging.page]: 2 })) pages.push(page);
    expect(pages.map((p) => p[paging.items].length)).toEqual([3, 1]);
  });
});
