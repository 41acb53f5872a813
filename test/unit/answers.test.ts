// What the client adds to ECPay's answer where the spec says so, derived from the spec: the outcome a success means
// (x-ecpay-outcomes), the date it records where ECPay leaves it out (x-ecpay-records-date), and the documented call
// rate it keeps (x-ecpay-rate-limit). Plus the shape stage recordings show for B2B GetIssue.
import { describe, expect, it } from 'vitest';
import {
  createEinvoiceClient,
  EcpayAbortError,
  EcpayUnexpectedShapeError,
  STAGE_CREDENTIALS,
} from '../../src/index.ts';
import { echoing } from '../support/echo.ts';
import { fakeEcpay } from '../support/fake-ecpay.ts';
import { facadeFor, operation, paths } from '../support/spec.ts';

const firstExample = (path: string) => {
  return operation(path).examplePayload();
};

describe.each(paths.filter((p) => operation(p).op['x-ecpay-outcomes']))('%s outcomes', (path) => {
  const { op, responseExamples } = operation(path);
  const success = responseExamples.success['x-ecpay-data'];

  // An answer that meets each outcome's condition: the success example with the condition's values written in.
  const cases: [string, any][] = op['x-ecpay-outcomes'].map((o: any) => [o.outcome, o]);
  it.each(cases)('%s', async (outcome, o) => {
    const answer: Record<string, unknown> = { ...success };
    for (const [field, c] of Object.entries<any>(o.when.properties ?? {})) answer[field] = c.const ?? c.enum[0];
    const ecpay = fakeEcpay((req) => ({ result: echoing(op, req.data, answer) }));
    const result = await facadeFor(
      createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: ecpay.fetch }),
      path,
    )(firstExample(path));
    expect(result.outcome).toBe(outcome);
  });

  it('refuses to guess when a success matches no outcome (the operation still succeeded)', async () => {
    const answer: Record<string, unknown> = { ...success, RtnCode: op['x-ecpay-success-codes'][0] };
    // Break every non-RtnCode condition of every outcome with a value no outcome names.
    for (const o of op['x-ecpay-outcomes'])
      for (const field of Object.keys(o.when.properties ?? {})) if (field !== 'RtnCode') answer[field] = 'Q';
    const onlyByCode = op['x-ecpay-outcomes'].some(
      (o: any) =>
        Object.keys(o.when.properties ?? {}).every((f) => f === 'RtnCode') &&
        o.when.properties.RtnCode.const === answer.RtnCode,
    );
    if (onlyByCode) answer.RtnCode = 123456789; // then an unlisted code, which is a business failure instead
    const ecpay = fakeEcpay((req) => ({ result: echoing(op, req.data, answer) }));
    const error = await facadeFor(
      createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: ecpay.fetch, retry: { maxRetries: 0 } }),
      path,
    )(firstExample(path)).catch((e: unknown) => e);
    if (onlyByCode) return expect(error).toMatchObject({ name: 'EcpayBusinessError' });
    expect(error).toBeInstanceOf(EcpayUnexpectedShapeError);
    expect(error).toMatchObject({ succeeded: true });
    expect((error as Error).message).toContain('matches none of the documented outcomes');
  });
});

describe.each(paths.filter((p) => operation(p).op['x-ecpay-records-date']))(
  '%s records the date ECPay leaves out',
  (path) => {
    const { op, responseExamples } = operation(path);
    const field = op['x-ecpay-records-date'];

    it.each([
      // 2025-12-31 23:59:59 and 2026-01-01 00:00:00 in Taipei (UTC+8): ECPay's clock decides, not this machine's.
      [1767196799, '2025-12-31'],
      [1767196800, '2026-01-01'],
    ])("from ECPay's clock (RpHeader.Timestamp %i is %s in Taipei)", async (serverTime, date) => {
      const ecpay = fakeEcpay((req) => ({
        result: echoing(op, req.data, responseExamples.success['x-ecpay-data']),
        serverTime,
      }));
      const client = createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: ecpay.fetch, now: () => 0 });
      const result = await facadeFor(client, path)(firstExample(path));
      expect(result[field]).toBe(date);
    });

    it("keeps ECPay's own value if its answer ever carries one", async () => {
      const ecpay = fakeEcpay((req) => ({
        result: { ...echoing(op, req.data, responseExamples.success['x-ecpay-data']), [field]: '2024-02-29' },
      }));
      const result = await facadeFor(
        createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: ecpay.fetch }),
        path,
      )(firstExample(path));
      expect(result[field]).toBe('2024-02-29');
    });
  },
);

describe.each(paths.filter((p) => operation(p).op['x-ecpay-rate-limit']))(
  '%s keeps its documented call rate',
  (path) => {
    const { op } = operation(path);
    const { calls } = op['x-ecpay-rate-limit'];

    it(`sends at most ${calls} calls in a window; the next waits, and a caller can cancel it before it is sent`, async () => {
      const ecpay = fakeEcpay(() => ({ body: '%PDF-1.4\n%%EOF', headers: { 'Content-Type': 'application/pdf' } }));
      const fn = facadeFor(createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: ecpay.fetch }), path);
      for (let i = 0; i < calls; i += 1) await fn(firstExample(path));
      const controller = new AbortController();
      const waiting = fn(firstExample(path), { signal: controller.signal }).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ecpay.received).toHaveLength(calls);
      controller.abort();
      const error = await waiting;
      expect(error).toBeInstanceOf(EcpayAbortError);
      expect((error as Error).message).toContain('waiting to send');
      expect(ecpay.received).toHaveLength(calls);
    });
  },
);

describe('B2B GetIssue as stage answers it', () => {
  it('reads RtnCode "1", the record in RtnData and a lower-case items key into the typed result', async () => {
    const recorded = {
      RtnCode: '1',
      RtnMsg: '查詢成功',
      RtnData: {
        InvoiceNumber: 'LP30000931',
        InvoiceDate: '2026-09-01',
        RelateNumber: 'R1',
        TaxType: '1',
        SalesAmount: 30,
        TaxAmount: 2,
        TotalAmount: 32,
        items: [{ ItemSeq: 1, ItemName: '測試商品01', ItemCount: 3, ItemPrice: 10, ItemAmount: 30 }],
      },
    };
    const ecpay = fakeEcpay(() => ({ result: recorded }));
    const result = await createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: ecpay.fetch }).b2b.getIssue({
      InvoiceCategory: 0,
      InvoiceNumber: 'LP30000931',
      InvoiceDate: '2026-09-01',
    });
    expect(result.RtnCode).toBe(1);
    expect(result.RtnData?.Items?.[0]?.ItemName).toBe('測試商品01');
    expect(result.RtnData?.TaxType).toBe(1);
  });
});
