// Issue a B2C e-invoice to an e-mail address, then void it.
//
//   npx tsx examples/issue-and-void.ts                          against the mock (needs @stoplight/prism-cli)
//   ECPAY_ENVIRONMENT=stage npx tsx examples/issue-and-void.ts  against ECPay's stage server, public test merchant
import { createEinvoiceClient, EcpayError, STAGE_CREDENTIALS } from 'ecpay-einvoice';
import { startMock } from 'ecpay-einvoice/mock';

const onStage = process.env.ECPAY_ENVIRONMENT === 'stage';
await using mock = onStage ? undefined : await startMock({ port: 0 });
const einvoice = createEinvoiceClient(
  mock ? { ...STAGE_CREDENTIALS, environment: { baseUrl: mock.url } } : { environment: 'stage' },
);

const order = { id: `ORDER${Date.now()}`, email: 'buyer@example.com.tw' };
try {
  const invoice = await einvoice.b2c.issue({
    RelateNumber: order.id,
    CustomerEmail: order.email,
    Print: '0',
    Donation: '0',
    CarrierType: '1', // ECPay's own carrier: the buyer gets it by e-mail
    TaxType: '1',
    SalesAmount: 100,
    InvType: '07',
    Items: [{ ItemName: '咖啡豆 250g', ItemCount: 1, ItemWord: '包', ItemPrice: 100, ItemAmount: 100 }],
  });
  console.log(`issued ${invoice.InvoiceNo} on ${invoice.InvoiceDate} (random number ${invoice.RandomNumber})`);

  const voided = await einvoice.b2c.invalid({
    InvoiceNo: invoice.InvoiceNo,
    InvoiceDate: invoice.InvoiceDate!,
    Reason: '訂單取消',
  });
  console.log(`voided ${voided.InvoiceNo}`);
} catch (error) {
  if (!(error instanceof EcpayError)) throw error;
  // One line that says what happened; outcomeUnknown and recovery say whether to look the invoice up first.
  console.error(`${error.name}: ${error.message}`);
  process.exitCode = 1;
}
