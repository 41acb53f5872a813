// A careless (or hostile) caller's payload: an object changed after the call started, a getter that answers
// differently on each read, an Action turned from Update into Delete while a retry is pending, fields inherited from
// a prototype, and values JSON cannot carry as ECPay's PHP reads them. The payload is read once, when the call
// starts: what is checked, judged for retry safety and sent is that snapshot, on every attempt.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { EcpayError, EcpayValidationError } from '../../src/index.ts';
import { fakeEcpay } from '../support/fake-ecpay.ts';
import { clientFor, loopbacks, rejection } from '../support/hostile.ts';
import { ecpayAnswer, requestData, type Handler, sendJson } from '../support/loopback.ts';

const serve = loopbacks();
const ok = (res: ServerResponse, result: Record<string, unknown> = { RtnCode: 1, RtnMsg: 'ok' }) => {
  sendJson(res, ecpayAnswer(result));
};
/** 503 for the first `n` requests, then a success. */
const failFirst =
  (n: number): Handler =>
  (_req, res, _body, i) =>
    i < n ? void res.writeHead(503).end('busy') : ok(res);
const sent = (server: { bodies: string[] }) => server.bodies.map(requestData);

const issue = () => ({
  RelateNumber: 'ORDER-1',
  CustomerEmail: 'buyer@example.com.tw',
  Print: '0' as const,
  Donation: '0' as const,
  CarrierType: '1' as const,
  TaxType: '1' as const,
  SalesAmount: 100,
  InvType: '07' as const,
  Items: [{ ItemName: '咖啡豆 250g', ItemCount: 1, ItemWord: '包', ItemPrice: 100, ItemAmount: 100 }],
});
const partner = () => ({
  Action: 'Update' as 'Update' | 'Delete' | 'Add',
  Identifier: '53538851',
  type: '2' as const,
  CompanyName: 'EcPay',
  TradingSlang: '123',
  ExchangeMode: '1' as const,
  EmailAddress: 'a@example.com.tw',
});

describe('an object changed after the call started', () => {
  it('sends the values it had when the call started (top level and nested)', async () => {
    const server = await serve((_req, res) =>
      ok(res, {
        RtnCode: 1,
        RtnMsg: 'ok',
        InvoiceNo: 'AB12345678',
        InvoiceDate: '2024-01-31 10:00:00',
        RandomNumber: '1234',
      }),
    );
    const payload = issue();
    const pending = clientFor(server.url).b2c.issue(payload);
    payload.RelateNumber = 'ORDER-2';
    payload.SalesAmount = 999_999;
    payload.Items[0]!.ItemName = 'CHANGED';
    payload.Items.push({ ItemName: 'EXTRA', ItemCount: 1, ItemWord: '包', ItemPrice: 1, ItemAmount: 1 });
    await pending;
    expect(server.count).toBe(1);
    const data = sent(server)[0];
    expect(data).toMatchObject({ RelateNumber: 'ORDER-1', SalesAmount: 100 });
    expect(data.Items).toEqual([
      { ItemName: '咖啡豆 250g', ItemCount: 1, ItemWord: '包', ItemPrice: 100, ItemAmount: 100 },
    ]);
  });

  it('a retry re-sends the original values although the object changed while the server held the first attempt', async () => {
    const payload = { TrackID: 'T1', InvoiceStatus: 2 as 0 | 1 | 2 };
    const server = await serve((_req, res, _body, i) => {
      if (i === 0) {
        // The caller reuses its object while the first attempt is on the wire.
        payload.TrackID = 'T-OTHER';
        payload.InvoiceStatus = 0;
        res.writeHead(503).end('busy');
      } else ok(res);
    });
    await clientFor(server.url).b2c.updateInvoiceWordStatus(payload);
    expect(server.count).toBe(2);
    expect(sent(server)).toEqual([
      { MerchantID: '2000132', TrackID: 'T1', InvoiceStatus: 2 },
      { MerchantID: '2000132', TrackID: 'T1', InvoiceStatus: 2 },
    ]);
  });
});

describe('a getter', () => {
  it('is read once: the value checked is the value sent, on every attempt', async () => {
    const server = await serve(failFirst(1));
    let reads = 0;
    const payload = {
      TrackID: 'T1',
      get InvoiceStatus() {
        reads += 1;
        return reads === 1 ? 2 : 'not a status';
      },
    };
    await clientFor(server.url).b2c.updateInvoiceWordStatus(payload as never);
    expect(reads).toBe(1);
    expect(server.count).toBe(2);
    expect(sent(server).map((d) => d.InvoiceStatus)).toEqual([2, 2]);
  });

  it('that answers wrongly the first time is refused, although a second read would have passed', async () => {
    const server = await serve((_req, res) => ok(res));
    let reads = 0;
    const payload = {
      TrackID: 'T1',
      get InvoiceStatus() {
        reads += 1;
        return reads === 1 ? 7 : 2;
      },
    };
    const error = await rejection(clientFor(server.url).b2c.updateInvoiceWordStatus(payload as never));
    expect(error).toBeInstanceOf(EcpayValidationError);
    expect(error.issues.map((i: { field: string }) => i.field)).toEqual(['InvoiceStatus']);
    expect(reads).toBe(1);
    expect(server.count).toBe(0);
  });
});

describe('MaintainMerchantCustomerData: Action is judged and sent as it was when the call started', () => {
  it('Update changed to Delete after the start is still retried as Update, and sent as Update both times', async () => {
    const server = await serve(failFirst(1));
    const payload = partner();
    const pending = clientFor(server.url).b2b.maintainMerchantCustomerData.withEnvelope(payload);
    payload.Action = 'Delete';
    const result = await pending;
    expect(result.attempts).toBe(2);
    expect(server.count).toBe(2);
    expect(sent(server).map((d) => d.Action)).toEqual(['Update', 'Update']);
  });

  it('a getter that says Update and then Delete is read once: retried as Update, sent as Update', async () => {
    const server = await serve(failFirst(1));
    let reads = 0;
    const payload = {
      ...partner(),
      get Action() {
        reads += 1;
        return reads === 1 ? 'Update' : 'Delete';
      },
    };
    await clientFor(server.url).b2b.maintainMerchantCustomerData(payload as never);
    expect(reads).toBe(1);
    expect(sent(server).map((d) => d.Action)).toEqual(['Update', 'Update']);
  });

  it('Delete changed to Update after the start is still a Delete: sent once, and the outcome is unknown', async () => {
    const server = await serve(failFirst(1));
    const payload = { ...partner(), Action: 'Delete' as 'Delete' | 'Update' };
    const pending = rejection(clientFor(server.url).b2b.maintainMerchantCustomerData(payload));
    payload.Action = 'Update';
    const error = await pending;
    expect(error).toMatchObject({ name: 'EcpayHttpError', status: 503, outcomeUnknown: true, succeeded: false });
    expect(server.count).toBe(1);
    expect(sent(server)[0].Action).toBe('Delete');
  });
});

describe('fields inherited from a prototype are neither validated as present nor sent', () => {
  it('a required field on a class prototype is reported as required, and nothing is sent', async () => {
    const server = await serve((_req, res) => ok(res, { RtnCode: 4000004, RtnMsg: '', Tsr: 'T1' }));
    class Defaults {
      declare PayType: string;
    }
    Defaults.prototype.PayType = '2'; // enumerable, inherited
    class Trigger extends Defaults {
      Tsr = 'T1';
    }
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(new Trigger() as never));
    expect(error).toBeInstanceOf(EcpayValidationError);
    expect(error.issues).toEqual([expect.objectContaining({ field: 'PayType', rule: 'required' })]);
    expect(error.message).toContain('PayType: required');
    expect(server.count).toBe(0);
  });

  it('a required field as a getter of the class is reported as required', async () => {
    const server = await serve((_req, res) => ok(res));
    class Status {
      TrackID = 'T1';
      get InvoiceStatus() {
        return 2;
      }
    }
    const error = await rejection(clientFor(server.url).b2c.updateInvoiceWordStatus(new Status() as never));
    expect(error).toBeInstanceOf(EcpayValidationError);
    expect(error.issues).toEqual([expect.objectContaining({ field: 'InvoiceStatus', rule: 'required' })]);
    expect(server.count).toBe(0);
  });

  it('optional and unknown fields on the prototype are not sent, and the own fields are', async () => {
    const server = await serve((_req, res) => ok(res, { RtnCode: 1, RtnMsg: 'ok', InvoiceInfo: [] }));
    const proto = { InvType: '08', InvoiceHeader: 'ZZ', NotAField: 'x' };
    const payload = Object.assign(Object.create(proto), { InvoiceYear: '113', InvoiceTerm: 1, UseStatus: 2 });
    await clientFor(server.url).b2b.getInvoiceWordSetting(payload);
    expect(server.count).toBe(1);
    expect(sent(server)[0]).toEqual({
      MerchantID: '2000132',
      InvoiceYear: '113',
      InvoiceTerm: 1,
      UseStatus: 2,
      InvoiceCategory: 2,
    });
  });

  it('even a field on a polluted Object.prototype is neither taken as given nor sent', async () => {
    const ecpay = fakeEcpay(() => ({ result: { RtnCode: 4000004, RtnMsg: '', Tsr: 'T1' } }));
    const einvoice = clientFor('http://127.0.0.1:9', { fetch: ecpay.fetch as typeof fetch });
    const polluted = Object.prototype as Record<string, unknown>;
    let pending: Promise<unknown>;
    polluted.PayType = '2';
    try {
      // The payload is read when the call starts, synchronously: the pollution is in place exactly then.
      pending = rejection(einvoice.b2c.triggerIssue({ Tsr: 'T1' } as never));
    } finally {
      delete polluted.PayType;
    }
    const error = await pending;
    expect(error).toBeInstanceOf(EcpayValidationError);
    expect((error as EcpayValidationError).issues).toEqual([
      expect.objectContaining({ field: 'PayType', rule: 'required' }),
    ]);
    expect(ecpay.received.map((r) => r.data)).toEqual([]);
  });
});

describe('values JSON cannot carry as ECPay reads them are refused naming the field, nothing sent', () => {
  const cycle = () => {
    const item: Record<string, unknown> = {
      ItemName: 'A',
      ItemCount: 1,
      ItemWord: '包',
      ItemPrice: 100,
      ItemAmount: 100,
    };
    item.Parent = item;
    return item;
  };
  const cases: [string, (p: ReturnType<typeof issue>) => unknown, string, string][] = [
    ['a BigInt', (p) => ({ ...p, SalesAmount: 100n }), 'SalesAmount', 'is a BigInt'],
    [
      'a nested BigInt',
      (p) => ({ ...p, Items: [{ ...p.Items[0], ItemPrice: 100n }] }),
      'Items[0].ItemPrice',
      'is a BigInt',
    ],
    ['a cycle', (p) => ({ ...p, Items: [cycle()] }), 'Items[0].Parent', 'refers to itself'],
    ['a payload that contains itself', (p) => Object.assign(p, { Self: p }), 'Self', 'refers to itself'],
    ['a function', (p) => ({ ...p, CustomerEmail: () => 'buyer@example.com.tw' }), 'CustomerEmail', 'is a function'],
    ['a symbol', (p) => ({ ...p, CustomerEmail: Symbol('x') }), 'CustomerEmail', 'is a symbol'],
    [
      'a lone high surrogate',
      (p) => ({ ...p, Items: [{ ...p.Items[0], ItemName: '咖啡\ud83d' }] }),
      'Items[0].ItemName',
      'lone UTF-16 surrogate',
    ],
    ['a lone low surrogate', (p) => ({ ...p, RelateNumber: '\udc00ORDER' }), 'RelateNumber', 'lone UTF-16 surrogate'],
  ];

  it.each(cases)('%s', async (_, make, field, words) => {
    const server = await serve((_req, res) => ok(res));
    const error = await rejection(clientFor(server.url).b2c.issue(make(issue()) as never));
    expect(error).toBeInstanceOf(EcpayValidationError);
    expect(error).toMatchObject({ name: 'EcpayValidationError', outcomeUnknown: false, succeeded: false });
    const issueOf = (error as EcpayValidationError).issues.find((i) => i.field === field);
    expect(issueOf?.message).toContain(words);
    expect(error.message).toContain(`${field}: `);
    expect(server.count).toBe(0);
  });

  it('an astral character (a well-formed surrogate pair) is not refused', async () => {
    const server = await serve((_req, res) =>
      ok(res, {
        RtnCode: 1,
        RtnMsg: 'ok',
        InvoiceNo: 'AB12345678',
        InvoiceDate: '2024-01-31 10:00:00',
        RandomNumber: '1234',
      }),
    );
    const p = issue();
    p.Items[0]!.ItemName = '🧾 咖啡豆';
    await clientFor(server.url).b2c.issue(p);
    expect(server.count).toBe(1);
    expect(sent(server)[0].Items[0].ItemName).toBe('🧾 咖啡豆');
  });

  it('every error is an EcpayError (no raw TypeError from JSON.stringify)', async () => {
    const server = await serve((_req, res) => ok(res));
    const errors = await Promise.all(
      cases.map(([, make]) => rejection(clientFor(server.url).b2c.issue(make(issue()) as never))),
    );
    for (const e of errors) expect(e).toBeInstanceOf(EcpayError);
    expect(server.count).toBe(0);
  });
});
