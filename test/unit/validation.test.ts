// Every rule the spec states on a request is enforced before anything is sent, and every loose-but-lossless form
// of a valid payload is accepted and sent in the spec's own form. The cases are derived from spec/openapi.yaml
// (test/support/cases.ts), so a field, condition or rule added to the spec is tested without touching this file.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, EcpayValidationError, STAGE_CREDENTIALS } from '../../src/index.ts';
import { invalidCases, looseVariants } from '../support/cases.ts';
import { echoing } from '../support/echo.ts';
import { fakeEcpay } from '../support/fake-ecpay.ts';
import { facadeFor, operation, paths } from '../support/spec.ts';

function countingClient() {
  let calls = 0;
  const fetch = async () => {
    calls += 1;
    throw new Error('fetch must not be called for an invalid payload');
  };
  return {
    client: createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch, retry: { maxRetries: 0 } }),
    calls: () => calls,
  };
}

describe.each(paths)('%s', (path) => {
  const { op, payload: schema, requestExamples, responseExamples, examplePayload } = operation(path);
  const examples = Object.keys(requestExamples).map((name) => examplePayload(name));
  const cases = invalidCases(schema, examples);

  describe('refuses before sending', () => {
    it('derives a case for every field of the spec', () => {
      const declared = Object.keys(schema.properties).filter((f) => f !== 'MerchantID');
      for (const field of declared)
        expect(
          cases.some((c) => c.field === field || c.field.startsWith(`${field}[`)),
          field,
        ).toBe(true);
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
      const { client, calls } = countingClient();
      const error = await facadeFor(client, path)(c.payload).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EcpayValidationError);
      // A conditional rule must be the one that caught it, and say when it applies.
      const issue = (error as EcpayValidationError).issues.find(
        (i) => i.field === c.field && (!c.conditional || / (when|unless) /.test(i.message)),
      );
      expect(
        issue,
        `no ${c.conditional ? 'conditional ' : ''}issue names ${c.field}: ${(error as Error).message}`,
      ).toBeDefined();
      expect((error as Error).message).toContain('nothing was sent');
      expect(calls()).toBe(0);
    });
  });

  describe("accepts and sends in the spec's form", () => {
    // Any answer will do: these tests look at what was sent. A document operation gets a file.
    const success = responseExamples.success?.['x-ecpay-data'];
    async function sent(payload: Record<string, unknown>) {
      const ecpay = fakeEcpay((req) =>
        success
          ? { result: echoing(op, req.data, success) }
          : { body: '%PDF-1.4\n%%EOF', headers: { 'Content-Type': 'application/pdf' } },
      );
      const client = createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: ecpay.fetch });
      await facadeFor(client, path)(payload);
      expect(ecpay.received).toHaveLength(1);
      return ecpay.received[0]!.data;
    }

    it.each(Object.keys(requestExamples))('the request example "%s", as it is', async (name) => {
      const example = requestExamples[name]['x-ecpay-data'];
      const data = await sent(examplePayload(name));
      // Defaults may be added and optional fields given as "" or null are left out; nothing else is changed.
      const given = Object.fromEntries(
        Object.entries(example).filter(([k, v]) => (v !== '' && v !== null) || schema.required.includes(k)),
      );
      expect(data).toMatchObject(given);
      expect(Object.keys(data).slice(0, Object.keys(given).length)).toEqual(Object.keys(given));
    });

    const variants = Object.keys(requestExamples).flatMap((name) =>
      looseVariants(schema, examplePayload(name), 'request').map(
        ([how, value]) => [`${name}: ${how}`, name, value] as const,
      ),
    );
    it.each(variants)('%s', async (_, name, value) => {
      const canonical = await sent(examplePayload(name));
      expect(await sent(value)).toEqual(canonical);
    });
  });
});

/** The EcpayValidationError of a call, which must have sent nothing. */
async function refused(call: (c: ReturnType<typeof createEinvoiceClient>) => Promise<unknown>) {
  const { client, calls } = countingClient();
  const error = await call(client).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EcpayValidationError);
  expect(calls()).toBe(0);
  return error as EcpayValidationError;
}

describe('messages say what to do', () => {
  it('gives the length limit and the length given', async () => {
    const e = await refused((c) => c.b2c.triggerIssue({ Tsr: 'x'.repeat(31), PayType: '2' }));
    expect(e.message).toContain('Tsr: at most 30 characters (got 31)');
  });

  it('lists the allowed values of an integer enum', async () => {
    const e = await refused((c) => c.b2c.updateInvoiceWordStatus({ TrackID: 'T', InvoiceStatus: 7 as 0 }));
    expect(e.message).toContain('InvoiceStatus: must be one of 0, 1, 2 (got 7)');
  });

  it('says "required" for a missing field, even one with an enum', async () => {
    const e = await refused((c) => c.b2c.triggerIssue({ Tsr: 'T1' } as never));
    expect(e.issues).toEqual([{ field: 'PayType', rule: 'required', message: 'PayType: required' }]);
  });

  it('turns a Gregorian year into the Republic-era year it meant', async () => {
    const e = await refused((c) => c.b2b.getInvoiceWordSetting({ InvoiceYear: '2024', InvoiceTerm: 0, UseStatus: 0 }));
    expect(e.message).toContain(
      'InvoiceYear: must be a Republic-era (民國) year of 3 digits, e.g. 113 for 2024 (got "2024": 2024 is a Gregorian year; the Republic-era year is 113)',
    );
  });

  it.each([
    ['2019-13-45', 'there is no month 13'],
    ['2019-02-29', '2019-02 has no day 29'],
    ['2020-02-30', '2020-02 has no day 30'],
    ['2019-08-31 25:00:00', '25:00:00 is not a time'],
    ['31/08/2019', 'a date yyyy-MM-dd'],
  ])('refuses the impossible or misformed date %s, saying why', async (date, reason) => {
    const e = await refused((c) =>
      c.b2b.getInvalid({ InvoiceCategory: 0, InvoiceNumber: 'SA37758327', InvoiceDate: date }),
    );
    expect(e.issues.map((i) => i.field)).toEqual(['InvoiceDate']);
    expect(e.message).toContain(reason);
  });

  it('refuses an unknown field instead of sending it, naming the known ones', async () => {
    const e = await refused((c) => c.b2c.triggerIssue({ Tsr: 'T1', PayType: '2', DelayDay: 3 } as never));
    expect(e.message).toContain('DelayDay: not a field of b2cTriggerIssue (known: MerchantID, Tsr, PayType)');
  });

  it('reports every violation of one payload in one error', async () => {
    const e = await refused((c) =>
      c.b2b.maintainMerchantCustomerData({
        Action: 'Remove',
        Identifier: '12345678',
        type: '2',
        CompanyName: '',
        TradingSlang: 'x',
        ExchangeMode: '1',
        EmailAddress: 'nobody',
      } as never),
    );
    expect(e.issues.map((i) => `${i.field} ${i.rule}`)).toEqual([
      'Action enum',
      'Identifier format tw-business-id',
      'CompanyName minLength 1',
      'EmailAddress format emails',
    ]);
  });

  it('says when a conditional requirement applies', async () => {
    const e = await refused((c) => c.b2b.getInvalid({ InvoiceCategory: 0, InvoiceNumber: 'SA37758327' }));
    expect(e.message).toContain('InvoiceDate: required when InvoiceNumber is given');
    const none = await refused((c) => c.b2b.getInvalid({ InvoiceCategory: 0, RelateNumber: '' }));
    expect(none.message).toContain('one of InvoiceNumber or RelateNumber must be given');
  });

  it.each([
    ['a BigInt', { TrackID: 'T', InvoiceStatus: 1n }, 'InvoiceStatus: is a BigInt'],
    ['a Date', { TrackID: new Date(), InvoiceStatus: 1 }, "TrackID: is a Date; pass the date as a 'yyyy-MM-dd' string"],
    ['a function', { TrackID: () => 'T', InvoiceStatus: 1 }, 'TrackID: is a function'],
    ['a lone surrogate', { TrackID: 'T\ud800', InvoiceStatus: 1 }, 'TrackID: contains a lone UTF-16 surrogate'],
    ['NaN', { TrackID: 'T', InvoiceStatus: NaN }, 'InvoiceStatus: must be a finite number'],
  ])('refuses %s, which JSON cannot carry as ECPay reads it, naming the field', async (_, payload, message) => {
    const e = await refused((c) => c.b2c.updateInvoiceWordStatus(payload as never));
    expect(e.message).toContain(message);
  });

  it('refuses a payload that refers to itself', async () => {
    const payload: Record<string, unknown> = { TrackID: 'T', InvoiceStatus: 1 };
    payload.Self = payload;
    const e = await refused((c) => c.b2c.updateInvoiceWordStatus(payload as never));
    expect(e.message).toContain('Self: refers to itself');
  });
});

describe('what the sources disagree on is accepted, and sent as decided', () => {
  async function sentData(call: (c: ReturnType<typeof createEinvoiceClient>) => Promise<unknown>) {
    const ecpay = fakeEcpay(() => ({ result: { RtnCode: 1, RtnMsg: 'ok' } }));
    await call(createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch: ecpay.fetch }));
    return ecpay.received[0]!.data;
  }

  it('GetInvoiceWordSetting: InvoiceTerm 0 (all periods) and InvoiceCategory 2 by default', async () => {
    const data = await sentData((c) =>
      c.b2b.getInvoiceWordSetting({ InvoiceYear: '115', InvoiceTerm: 0, UseStatus: 0 }),
    );
    expect(data).toEqual({
      MerchantID: '2000132',
      InvoiceYear: '115',
      InvoiceTerm: 0,
      UseStatus: 0,
      InvoiceCategory: 2,
    });
  });

  it.each([[2], ['3'], [0], [1]])(
    'GetInvoiceWordSetting: InvoiceCategory %j as a caller or an ECPay SDK sends it',
    async (category) => {
      const data = await sentData((c) =>
        c.b2b.getInvoiceWordSetting({
          InvoiceYear: '115',
          InvoiceTerm: 1,
          UseStatus: 2,
          InvoiceCategory: category as 2,
        }),
      );
      expect(data.InvoiceCategory).toBe(category);
    },
  );

  it.each(['2019-08-31', '2019/08/31', '2019-08-31 10:20:30', '2019-08-31T10:20:30'])(
    'GetInvalid: InvoiceDate %s',
    async (date) => {
      const data = await sentData((c) =>
        c.b2b.getInvalid({ InvoiceCategory: 0, InvoiceNumber: 'SA37758327', InvoiceDate: date }),
      );
      expect(data.InvoiceDate).toBe(date);
    },
  );

  it('the .NET SDK\'s numbers for strings, and Odoo\'s "Type" for "type", are sent in the page\'s form', async () => {
    const data = await sentData((c) =>
      c.b2b.maintainMerchantCustomerData({
        Action: 'Update',
        Identifier: 53538851,
        Type: 2,
        CompanyName: 'EcPay',
        TradingSlang: 123,
        ExchangeMode: 1,
        EmailAddress: 'a@b.tw',
        PersonInCharge: null,
        Address: '',
      } as never),
    );
    expect(data).toEqual({
      MerchantID: '2000132',
      Action: 'Update',
      Identifier: '53538851',
      type: '2',
      CompanyName: 'EcPay',
      TradingSlang: '123',
      ExchangeMode: '1',
      EmailAddress: 'a@b.tw',
    });
  });

  it("sends a getter's value once, as it was checked", async () => {
    let reads = 0;
    const payload = {
      TrackID: 'T',
      get InvoiceStatus() {
        reads += 1;
        return reads === 1 ? 2 : 9;
      },
    };
    const data = await sentData((c) => c.b2c.updateInvoiceWordStatus(payload as never));
    expect(data.InvoiceStatus).toBe(2);
    expect(reads).toBe(1);
  });
});

describe('B2C Issue: the rules between fields name the fields and the numbers', () => {
  const base = () => ({
    RelateNumber: 'R1',
    CustomerEmail: 'a@b.tw',
    Print: '0' as const,
    Donation: '0' as const,
    CarrierType: '1' as const,
    TaxType: '1' as const,
    SalesAmount: 182,
    InvType: '07' as const,
    Items: [
      { ItemName: 'A', ItemCount: 3, ItemWord: '個', ItemPrice: 10.5, ItemAmount: 32 },
      { ItemName: 'B', ItemCount: 1, ItemWord: '雙', ItemPrice: 150, ItemAmount: 150 },
    ],
  });
  const refusedIssue = async (payload: object) =>
    (await refused((c) => c.b2c.issue(payload as never))).issues.map((i) => i.message);

  it('SalesAmount against the rounded sum of ItemAmount, with prices that include tax', async () => {
    expect(await refusedIssue({ ...base(), SalesAmount: 180 })).toEqual([
      'SalesAmount: must equal round(the sum of Items[].ItemAmount) = 182 (got 180) when vat is "1"',
    ]);
  });

  it('each ItemAmount against ItemCount × ItemPrice, within 1', async () => {
    const p = base();
    p.Items[1]!.ItemAmount = 152;
    p.SalesAmount = 184;
    expect(await refusedIssue(p)).toEqual([
      'Items[1].ItemAmount: must be within 1 of ItemCount × ItemPrice = 150 (got 152) when vat is "1"',
    ]);
  });

  it('refuses nothing of the sums under vat 0, where the sources disagree', async () => {
    const { client, calls } = countingClient();
    const error = await client.b2c.issue({ ...base(), vat: '0', SalesAmount: 191 }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(EcpayValidationError);
    expect(calls()).toBe(1);
  });

  it('the print, donation and carrier combinations of the page', async () => {
    expect(
      await refusedIssue({
        ...base(),
        Donation: '1',
        Print: '1',
        CustomerName: 'N',
        CustomerAddr: 'A',
        CustomerIdentifier: '53538851',
      }),
    ).toEqual([
      'LoveCode: required when Donation is "1"',
      'Print: must be "0" (got "1") when Donation is "1"',
      'CustomerIdentifier: must not be given when Donation is "1"',
      'Print: must be "0" (got "1") when CarrierType is "1" or "2" and CustomerIdentifier is given',
    ]);
    expect(await refusedIssue({ ...base(), CarrierType: '3', CarrierNum: 'ABC' })).toEqual([
      'CarrierNum: must be a mobile barcode carrier: "/" and 7 characters of 0-9 A-Z + - . (got "ABC") when CarrierType is "3"',
    ]);
    expect(await refusedIssue({ ...base(), CarrierType: '4', CarrierNum: 'x' })).toEqual([
      'CarrierNum2: required when CarrierType is "4" or "5"',
    ]);
  });

  it("tax: zero-rated needs ClearanceMark and ZeroTaxRateReason; mixed needs each line's ItemTaxType", async () => {
    expect(await refusedIssue({ ...base(), TaxType: '2' })).toEqual([
      'ClearanceMark: required when TaxType is "2"',
      'ZeroTaxRateReason: required when TaxType is "2"',
    ]);
    expect(await refusedIssue({ ...base(), TaxType: '9' })).toEqual([
      'Items[0].ItemTaxType: required when TaxType is "9"',
      'Items[1].ItemTaxType: required when TaxType is "9"',
    ]);
    expect(await refusedIssue({ ...base(), InvType: '08' })).toEqual([
      'TaxType: must be one of "3", "4" (got "1") when InvType is "08"',
    ]);
  });

  it('one of CustomerPhone or CustomerEmail', async () => {
    const { CustomerEmail: _e, ...p } = base();
    expect(await refusedIssue(p)).toEqual([
      'CustomerPhone or CustomerEmail: one of CustomerPhone or CustomerEmail must be given',
    ]);
  });
});
