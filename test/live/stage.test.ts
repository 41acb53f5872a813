// Against ECPay's real stage server (einvoice-stage.ecpay.com.tw) with the public test merchant. Only run by
// `make test-live` (ECPAY_LIVE_STAGE=1); CI has no network. Each call must get past the envelope (TransCode 1) and
// be judged by RtnCode: a success, or ECPay's own business refusal of our made-up identifiers. An envelope, HTTP or
// decryption error means the protocol facts in spec/envelope.yaml (Revision, RqID, timestamp) need another look.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, EcpayBusinessError, STAGE_CREDENTIALS } from '../../src/index.ts';

const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: 'stage', retry: { maxRetries: 0 } });
const rocYear = String(new Date().getFullYear() - 1911);
const unique = `T${Date.now()}`.slice(0, 20);

const calls: [string, () => Promise<unknown>][] = [
  [
    'b2c.updateInvoiceWordStatus',
    () => einvoice.b2c.updateInvoiceWordStatus({ TrackID: '0000000000', InvoiceStatus: 1 }),
  ],
  ['b2c.triggerIssue', () => einvoice.b2c.triggerIssue({ Tsr: unique, PayType: '2' })],
  [
    'b2b.getInvoiceWordSetting',
    () =>
      einvoice.b2b.getInvoiceWordSetting({ InvoiceYear: rocYear, InvoiceTerm: 1, UseStatus: 0, InvoiceCategory: '3' }),
  ],
  ['b2b.getInvalid', () => einvoice.b2b.getInvalid({ InvoiceCategory: 0, RelateNumber: unique })],
  [
    'b2b.maintainMerchantCustomerData',
    () =>
      einvoice.b2b.maintainMerchantCustomerData({
        Action: 'Update',
        Identifier: '53538851',
        type: '2',
        CompanyName: 'ecpay-einvoice live test',
        TradingSlang: '123',
        ExchangeMode: '0',
        EmailAddress: 'noreply@example.com',
      }),
  ],
];

describe('ECPay stage', () => {
  it.each(calls)(
    '%s gets past the envelope',
    async (_, call) => {
      const outcome = await call().then(
        (data) => ({ data }),
        (error: unknown) => ({ error }),
      );
      if ('error' in outcome) expect(outcome.error).toBeInstanceOf(EcpayBusinessError);
      else expect(outcome.data).toMatchObject({ RtnCode: expect.any(Number) });
    },
    30_000,
  );
});
