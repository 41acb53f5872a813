// `make demo`: the main job end to end. Starts the Prism mock, then, through the public API with ECPay's public
// stage credentials: issues an invoice, looks it up, voids it, makes an allowance, reads a callback form, and shows
// what a caller catches when ECPay says no or when nothing reaches it. Stops the mock.
import { inspect } from 'node:util';
import { createEinvoiceClient, EcpayError, EcpayValidationError, STAGE_CREDENTIALS } from './index.ts';
import { startMock } from './mock.ts';

const show = (title: string, value: unknown) =>
  console.log(`${title}\n${inspect(value, { depth: 5, colors: process.stdout.isTTY })}\n`);

const mock = await startMock({ port: 0 });
console.log(`Prism mock of ECPay started on ${mock.url} (pid ${mock.pid})\n`);
try {
  const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: mock.url } });

  const issued = await einvoice.b2c.issue({
    RelateNumber: 'ORDER20260102001',
    CustomerEmail: 'buyer@example.com.tw',
    Print: '0',
    Donation: '0',
    CarrierType: '1',
    TaxType: '1',
    SalesAmount: 100,
    InvType: '07',
    Items: [{ ItemName: '咖啡豆 250g', ItemCount: 1, ItemWord: '包', ItemPrice: 100, ItemAmount: 100 }],
  });
  show('einvoice.b2c.issue(...) ->', issued);

  const found = await einvoice.b2c.getIssue({ RelateNumber: 'ORDER20260102001' });
  show('einvoice.b2c.getIssue({ RelateNumber }) ->', found);

  const voided = await einvoice.b2c.invalid({
    InvoiceNo: issued.InvoiceNo,
    InvoiceDate: issued.InvoiceDate ?? '2026-01-02',
    Reason: '訂單取消',
  });
  show('einvoice.b2c.invalid({ InvoiceNo, InvoiceDate, Reason }) ->', voided);

  const allowance = await einvoice.b2c.allowance({
    InvoiceNo: issued.InvoiceNo,
    InvoiceDate: '2026-01-02',
    AllowanceNotify: 'E',
    NotifyMail: 'buyer@example.com.tw',
    AllowanceAmount: 30,
    Items: [{ ItemSeq: 1, ItemName: '咖啡豆 250g', ItemCount: 1, ItemWord: '包', ItemPrice: 30, ItemAmount: 30 }],
  });
  show('einvoice.b2c.allowance(...) ->', allowance);

  // A callback form as ECPay POSTs it, read and answered in one line each.
  const notice = einvoice.callbacks.b2cAllowanceByCollegiateReturn(
    'RtnCode=1&RtnMsg=&IA_Allow_No=1909181313013546&IA_Invoice_No=UV11100019&IA_Date=2019-09-18+13%3A13%3A23' +
      '&IIS_Remain_Allowance_Amt=0&CheckMacValue=50A276E71DAE26343013958B405EEEA0',
  );
  show(`einvoice.callbacks.b2cAllowanceByCollegiateReturn(body) -> answer "${notice.reply}"`, notice);

  // What callers catch: ECPay saying no (the mock's business-failure example), and a payload refused before sending.
  await einvoice.b2c
    .triggerIssue({ Tsr: '201909170001', PayType: '2' }, { headers: { Prefer: 'example=businessFailure' } })
    .catch((e: unknown) => {
      if (!(e instanceof EcpayError)) throw e;
      console.log(`A failure ECPay reports (Prefer: example=businessFailure):\n${e.name}: ${e.message}\n`);
    });
  await einvoice.b2c
    .issue({
      RelateNumber: 'R2',
      Print: '1',
      Donation: '1',
      TaxType: '2',
      SalesAmount: 10,
      InvType: '07',
      Items: [],
    } as never)
    .catch((e: unknown) => {
      if (!(e instanceof EcpayValidationError)) throw e;
      console.log(
        `A payload refused before sending, every problem at once:\n${e.issues.map((i) => `  ${i.message}`).join('\n')}\n`,
      );
    });
  console.log('Every call went through the encrypted envelope to the mock and back.');
} finally {
  await mock.stop();
  console.log(`Prism mock (pid ${mock.pid}) stopped.`);
}
