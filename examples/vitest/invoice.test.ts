// A test of your own code against the mock: the real client, the real envelope and encryption, canned answers.
import { createEinvoiceClient, EcpayBusinessError, STAGE_CREDENTIALS } from 'ecpay-einvoice';
import { mockUrl } from 'ecpay-einvoice/mock';
import { describe, expect, it } from 'vitest';

const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: mockUrl() } });

describe('checkout', () => {
  it('issues an invoice for the order', async () => {
    const invoice = await einvoice.b2c.issue({
      RelateNumber: 'ORDER0001',
      CustomerEmail: 'buyer@example.com.tw',
      Print: '0',
      Donation: '0',
      CarrierType: '1',
      TaxType: '1',
      SalesAmount: 100,
      InvType: '07',
      Items: [{ ItemName: '咖啡豆 250g', ItemCount: 1, ItemWord: '包', ItemPrice: 100, ItemAmount: 100 }],
    });
    expect(invoice.InvoiceNo).toMatch(/^[A-Z]{2}\d{8}$/);
  });

  it("handles ECPay saying no (pick the mock's answer with a Prefer header)", async () => {
    const refused = einvoice.b2c.checkLoveCode(
      { LoveCode: '168001' },
      { headers: { Prefer: 'example=businessFailure' } },
    );
    await expect(refused).rejects.toBeInstanceOf(EcpayBusinessError);
  });
});
