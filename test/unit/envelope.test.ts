// The exact envelope the client sends for each of the five operations, against the known-answer vectors.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, STAGE_CREDENTIALS } from '../../src/index.ts';
import { FIXED_NOW_MS, fakeEcpay } from '../support/fake-ecpay.ts';
import { vector } from '../support/vectors.ts';

const RQID = '3f9c2a6e-8d41-4b7a-9e25-6c1d0b8f4a73';

function client(fetch: typeof globalThis.fetch, extra = {}) {
  return createEinvoiceClient({
    ...STAGE_CREDENTIALS,
    environment: 'stage',
    fetch,
    now: () => FIXED_NOW_MS,
    randomUUID: () => RQID,
    ...extra,
  });
}

// Each case: the facade call, the vector holding the same plaintext, product facts and a success answer.
const cases = [
  {
    name: 'b2c-update-invoice-word-status',
    path: '/B2CInvoice/UpdateInvoiceWordStatus',
    product: 'B2C',
    ok: { RtnCode: 1, RtnMsg: '成功' },
    call: (c: ReturnType<typeof client>, p: any) => c.b2c.updateInvoiceWordStatus(p),
  },
  {
    name: 'b2c-trigger-issue',
    path: '/B2CInvoice/TriggerIssue',
    product: 'B2C',
    ok: { RtnCode: 4000004, RtnMsg: '', Tsr: '201909170001' },
    call: (c: ReturnType<typeof client>, p: any) => c.b2c.triggerIssue(p),
  },
  {
    name: 'b2b-get-invoice-word-setting',
    path: '/B2BInvoice/GetInvoiceWordSetting',
    product: 'B2B',
    ok: { RtnCode: 1, RtnMsg: 'Success', InvoiceInfo: [] },
    call: (c: ReturnType<typeof client>, p: any) => c.b2b.getInvoiceWordSetting(p),
  },
  {
    name: 'b2b-get-invalid',
    path: '/B2BInvoice/GetInvalid',
    product: 'B2B',
    ok: { RtnCode: 1, RtnMsg: 'Success', RtnData: { InvoiceNumber: 'SA37758327' } },
    call: (c: ReturnType<typeof client>, p: any) => c.b2b.getInvalid(p),
  },
  {
    name: 'b2b-maintain-merchant-customer-data',
    path: '/B2BInvoice/MaintainMerchantCustomerData',
    product: 'B2B',
    ok: { RtnCode: 1, RtnMsg: 'Success' },
    call: (c: ReturnType<typeof client>, p: any) => c.b2b.maintainMerchantCustomerData(p),
  },
];

describe('the envelope sent for each operation', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const v = vector(c.name);
    const { MerchantID, ...payload } = JSON.parse(v.plaintext_json!);
    expect(MerchantID).toBe('2000132');
    const ecpay = fakeEcpay(() => ({ result: c.ok }));
    const result = await c.call(client(ecpay.fetch), payload);

    expect(result).toEqual(c.ok);
    expect(ecpay.received).toHaveLength(1);
    const sent = ecpay.received[0]!;
    expect(sent.url).toBe(`https://einvoice-stage.ecpay.com.tw${c.path}`);
    expect(sent.headers.get('content-type')).toBe('application/json');
    const rqHeader =
      c.product === 'B2B'
        ? { Timestamp: 1525168923, Revision: '1.0.0', RqID: RQID }
        : { Timestamp: 1525168923, Revision: '3.0.0' };
    // Byte for byte: MerchantID injected first, then the payload in the caller's order, encrypted as PHP would.
    expect(sent.envelope).toEqual({ MerchantID: '2000132', RqHeader: rqHeader, Data: v.data });
    expect(Object.keys(sent.envelope)).toEqual(['MerchantID', 'RqHeader', 'Data']);
  });

  it('sends PlatformID when configured, and a per-call MerchantID in both places', async () => {
    const ecpay = fakeEcpay(() => ({ result: { RtnCode: 1, RtnMsg: 'ok' } }));
    await client(ecpay.fetch, { platformId: 'P123' }).b2c.updateInvoiceWordStatus({
      MerchantID: '3000001',
      TrackID: 'T1',
      InvoiceStatus: 1,
    });
    const sent = ecpay.received[0]!;
    expect(Object.keys(sent.envelope)).toEqual(['PlatformID', 'MerchantID', 'RqHeader', 'Data']);
    expect(sent.envelope.PlatformID).toBe('P123');
    expect(sent.envelope.MerchantID).toBe('3000001');
    expect(sent.data).toEqual({ MerchantID: '3000001', TrackID: 'T1', InvoiceStatus: 1 });
  });

  it('reads the clock for every call, never once per client', async () => {
    let now = FIXED_NOW_MS;
    const ecpay = fakeEcpay(() => ({ result: { RtnCode: 1, RtnMsg: 'ok' } }));
    const c = client(ecpay.fetch, { now: () => now });
    await c.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 });
    now += 11 * 60_000; // eleven minutes later: a client that cached its timestamp would now be refused
    await c.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 });
    expect(ecpay.received.map((r) => r.envelope.RqHeader.Timestamp)).toEqual([1525168923, 1525168923 + 660]);
  });

  it("uses a fresh RqID per logical B2B call, or the caller's", async () => {
    let n = 0;
    const ecpay = fakeEcpay(() => ({ result: { RtnCode: 1, RtnMsg: 'ok' } }));
    const c = client(ecpay.fetch, { randomUUID: () => `00000000-0000-4000-8000-00000000000${n++}` });
    const payload = { InvoiceCategory: 0 as const, RelateNumber: 'R1' };
    const first = await c.b2b.getInvalid.withEnvelope(payload);
    await c.b2b.getInvalid(payload);
    await c.b2b.getInvalid(payload, { rqId: 'caller-chosen-id' });
    expect(first.rqId).toBe('00000000-0000-4000-8000-000000000000');
    expect(ecpay.received.map((r) => r.envelope.RqHeader.RqID)).toEqual([
      '00000000-0000-4000-8000-000000000000',
      '00000000-0000-4000-8000-000000000001',
      'caller-chosen-id',
    ]);
  });

  it('keeps the raw envelope reachable with withEnvelope()', async () => {
    const ecpay = fakeEcpay(() => ({ result: { RtnCode: 1, RtnMsg: 'ok', Extra: 'kept' }, serverTime: 1525168999 }));
    const r = await client(ecpay.fetch).b2c.updateInvoiceWordStatus.withEnvelope({ TrackID: 'T1', InvoiceStatus: 0 });
    expect(r.envelope).toEqual({
      MerchantID: '2000132',
      RpHeader: { Timestamp: 1525168999 },
      TransCode: 1,
      TransMsg: 'Success',
    });
    expect(r.attempts).toBe(1);
    // Unknown result fields are kept, not stripped by validation.
    expect(r.data).toEqual({ RtnCode: 1, RtnMsg: 'ok', Extra: 'kept' });
  });
});
