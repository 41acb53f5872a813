// `make demo`: the main job end to end. Starts the Prism mock, calls all five operations through the public API
// with ECPay's public stage credentials, prints each decrypted result, and stops the mock.
import { inspect } from 'node:util';
import { createEinvoiceClient, EcpayError, STAGE_CREDENTIALS } from './index.ts';
import { startMock } from './mock.ts';

const mock = await startMock({ port: 0 });
console.log(`Prism mock of ECPay started on ${mock.url} (pid ${mock.pid})\n`);
try {
  const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: mock.url } });
  const calls: [string, () => Promise<unknown>][] = [
    ['b2c.updateInvoiceWordStatus', () => einvoice.b2c.updateInvoiceWordStatus({ TrackID: '1234567890', InvoiceStatus: 2 })],
    ['b2c.triggerIssue', () => einvoice.b2c.triggerIssue({ Tsr: '201909170001', PayType: '2' })],
    ['b2b.getInvoiceWordSetting', () => einvoice.b2b.getInvoiceWordSetting({ InvoiceYear: '109', InvoiceTerm: 1, UseStatus: 1, InvoiceCategory: '3' })],
    ['b2b.getInvalid', () => einvoice.b2b.getInvalid({ InvoiceCategory: 0, InvoiceNumber: 'SA37758327', InvoiceDate: '2019-08-31' })],
    ['b2b.maintainMerchantCustomerData', () => einvoice.b2b.maintainMerchantCustomerData({
      Action: 'Add', Identifier: '53538851', type: '2', CompanyName: '綠界科技 EcPay', TradingSlang: '123',
      ExchangeMode: '1', EmailAddress: 'abc@pay.com.tw;def@pay.com.tw',
    })],
  ];
  for (const [name, call] of calls) {
    console.log(`einvoice.${name}(...) ->`);
    console.log(inspect(await call(), { depth: 5, colors: process.stdout.isTTY }), '\n');
  }
  // One failure too, to show what a caller catches: the mock's business-failure example for TriggerIssue.
  await einvoice.b2c.triggerIssue({ Tsr: '201909170001', PayType: '2' }, { headers: { Prefer: 'example=businessFailure' } }).catch((e: unknown) => {
    if (!(e instanceof EcpayError)) throw e;
    console.log(`A failure, as a caller sees it (Prefer: example=businessFailure):\n${e.name}: ${e.message}\n`);
  });
  console.log('All five operations answered through the encrypted envelope.');
} finally {
  await mock.stop();
  console.log(`Prism mock (pid ${mock.pid}) stopped.`);
}
