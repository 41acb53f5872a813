// A success is never turned into a failure: ECPay's loose answers (numbers as strings and strings as numbers, null
// or missing optional fields, a missing RtnMsg, keys in another case, extra fields) come back as the typed result.
// The variants are derived from every success example of the spec, so a new operation is covered without new code.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, STAGE_CREDENTIALS, type DebugEvent } from '../../src/index.ts';
import { looseVariants } from '../support/cases.ts';
import { echoing } from '../support/echo.ts';
import { fakeEcpay, type Answer, fakeClient } from '../support/fake-ecpay.ts';
import { facadeFor, operation, paths } from '../support/spec.ts';

function client(answer: (index: number) => Answer, debug?: (e: DebugEvent) => void) {
  return fakeClient(fakeEcpay((_, i) => answer(i)).fetch, debug ? { debug } : {});
}

// Document operations (answer: pdf) succeed with a file, not a result: test/contract covers them.
describe.each(paths.filter((p) => operation(p).op['x-ecpay-answer'] !== 'pdf'))('%s', (path) => {
  const { op, result: schema, responseExamples, examplePayload } = operation(path);
  const payload = examplePayload();
  const successes = Object.entries<any>(responseExamples).filter(([, ex]) =>
    op['x-ecpay-success-codes'].includes(ex['x-ecpay-data']?.RtnCode),
  );

  // The answers repeat the request's echoed fields, as ECPay's do; the loose forms are made of that answer.
  const cases = successes.flatMap(([name, ex]) => {
    const canonical = echoing(op, payload, ex['x-ecpay-data']);
    return looseVariants(schema, canonical, 'result').map(
      ([how, value, adjust]) => [`${name}: ${how}`, canonical, value, adjust] as const,
    );
  });
  const answer = (result: Record<string, unknown>) => () => ({ result });

  it.each(cases)('reads %s as the typed result', async (_, canonical, loose, adjust) => {
    const expected = await facadeFor(client(answer(canonical)), path)(payload);
    const got = await facadeFor(client(answer(loose)), path)(payload);
    expect(got).toEqual(adjust ? adjust(expected) : expected);
  });

  it('keeps fields the spec does not know, untouched', async () => {
    const [, ex] = successes[0]!;
    const got = await facadeFor(
      client(answer({ ...echoing(op, payload, ex['x-ecpay-data']), NewField: { a: [1] } })),
      path,
    )(payload);
    expect(got.NewField).toEqual({ a: [1] });
  });
});

describe("what stage and ECPay's SDKs answer", () => {
  const search = { InvoiceYear: '115', InvoiceTerm: 0, UseStatus: 0 } as const;

  it.each([
    ['null', null],
    ['an empty list', []],
    ['missing', undefined],
  ])('GetInvoiceWordSetting with InvoiceInfo %s', async (_, info) => {
    const result = await client(() => ({
      result: { RtnCode: 1, RtnMsg: '查詢成功', InvoiceInfo: info },
    })).b2b.getInvoiceWordSetting(search);
    expect(result.RtnCode).toBe(1);
    expect(result.InvoiceInfo ?? []).toEqual([]);
  });

  it("GetInvoiceWordSetting items with the .NET SDK's extra fields", async () => {
    const track = {
      TrackID: '1234567890',
      InvoiceYear: '115',
      InvoiceTerm: 1,
      InvoiceCategory: 2,
      InvType: '07',
      InvoiceHeader: 'AQ',
      InvoiceStart: '10000000',
      InvoiceEnd: '19999999',
      InvoiceNo: '10000050',
      UseStatus: 2,
      InvoiceLastDate: '2026-01-05 10:00:00',
      Surprise: 'kept',
    };
    const result = await client(() => ({ result: { RtnCode: '1', InvoiceInfo: [track] } })).b2b.getInvoiceWordSetting(
      search,
    );
    expect(result).toEqual({ RtnCode: 1, RtnMsg: '', InvoiceInfo: [track] });
  });

  it('GetInvalid as the .NET SDK types it: numbers for MerchantID, Upload_Status and ExchangeStatus', async () => {
    const result = await client(() => ({
      result: {
        RtnCode: 1,
        RtnMsg: 'OK',
        RtnData: { MerchantID: 2000132, InvoiceNumber: 'VG11000002', Upload_Status: 1, ExchangeStatus: null },
      },
    })).b2b.getInvalid({ InvoiceCategory: 0, RelateNumber: 'R1' });
    expect(result.RtnData).toEqual({ MerchantID: '2000132', InvoiceNumber: 'VG11000002', Upload_Status: '1' });
  });

  it('reports a value outside the documented ones as a warning, never as an error', async () => {
    const events: DebugEvent[] = [];
    const c = client(
      () => ({ result: { RtnCode: 1, RtnMsg: 'OK', RtnData: { Upload_Status: '7' } } }),
      (e) => events.push(e),
    );
    const { data, warnings } = await c.b2b.getInvalid.withEnvelope({ InvoiceCategory: 0, RelateNumber: 'R1' });
    expect(data.RtnData?.Upload_Status).toBe('7');
    expect(warnings).toEqual([
      {
        field: 'RtnData.Upload_Status',
        rule: 'enum',
        message: 'RtnData.Upload_Status: must be one of "", "0", "1", "2" (got "7")',
      },
    ]);
    // The debug hook hears of it without the value.
    expect(events).toContainEqual({
      type: 'result-warnings',
      operation: 'b2bGetInvalid',
      warnings: [{ field: 'RtnData.Upload_Status', rule: 'enum' }],
    });
  });
});

describe('an answer for another MerchantID', () => {
  it('is returned, with the MerchantID visible on the envelope and to the debug hook', async () => {
    const events: DebugEvent[] = [];
    const ecpay = fakeEcpay(() => ({ result: { RtnCode: 1, RtnMsg: 'Success' } }));
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await ecpay.fetch(input, init);
      // Page 004's own example: a request from 2000132 answered for 3002607.
      const body = { ...(await response.json()), MerchantID: 3002607 };
      return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
    };
    const c = createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch, debug: (e) => events.push(e) });
    const { data, envelope } = await c.b2b.maintainMerchantCustomerData.withEnvelope({
      Action: 'Update',
      Identifier: '53538851',
      type: '2',
      CompanyName: 'EcPay',
      TradingSlang: '123',
      ExchangeMode: '1',
      EmailAddress: 'a@b.tw',
    });
    expect(data).toEqual({ RtnCode: 1, RtnMsg: 'Success' });
    expect(envelope.MerchantID).toBe('3002607');
    expect(events).toContainEqual({
      type: 'merchant-differs',
      operation: 'b2bMaintainMerchantCustomerData',
      sent: '2000132',
      answered: '3002607',
    });
  });
});
