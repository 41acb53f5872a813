// The flows a merchant runs, against the real mock (Prism behind its echo proxy), each step fed by the previous
// step's answer: B2C check, issue, look up, notify, print; B2B in exchange mode (partner, issue, confirm, allowance,
// confirm, cancel) and in certification mode (partner, issue, allowance, cancel, PDF). Payloads start from the spec's
// own first request example of each operation, so they stay valid as the spec changes.
import { describe, expect, inject, it } from 'vitest';
import { createEinvoiceClient, STAGE_CREDENTIALS } from '../../src/index.ts';
import { operation } from '../support/spec.ts';

const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: inject('mockUrl') } });

/** The first request example of the operation at `path`, without MerchantID, with some fields replaced. */
function example<T = any>(path: string, changes: Record<string, unknown> = {}): T {
  return { ...operation(path).examplePayload(), ...changes } as T;
}

describe('B2C: check a carrier, issue to it, look the invoice up, notify the buyer, print it', () => {
  it('runs end to end', async () => {
    const barcode = '/ABC+123';
    const checked = await einvoice.b2c.checkBarcode({ BarCode: barcode });
    expect(checked.outcome).toBe('exists');

    const issued = await einvoice.b2c.issue(
      example('/B2CInvoice/Issue', {
        RelateNumber: 'FLOW-B2C-1',
        CustomerIdentifier: undefined,
        CustomerName: undefined,
        CustomerAddr: undefined,
        Print: '0',
        CarrierType: '3',
        CarrierNum: barcode,
      }),
    );
    expect(issued.InvoiceNo).toMatch(/^[A-Z]{2}\d{8}$/);

    const found = await einvoice.b2c.getIssue({ RelateNumber: 'FLOW-B2C-1' });
    // The mock's answer is about this request: it repeats the RelateNumber asked for.
    expect(found.IIS_Relate_Number).toBe('FLOW-B2C-1');

    const notified = await einvoice.b2c.invoiceNotify(
      example('/B2CInvoice/InvoiceNotify', { InvoiceNo: issued.InvoiceNo }),
    );
    expect(notified.RtnCode).toBe(1);

    const printed = await einvoice.b2c.invoicePrint(
      example('/B2CInvoice/InvoicePrint', { InvoiceNo: issued.InvoiceNo }),
    );
    expect(printed.RtnCode).toBe(1);
  });
});

describe.each([
  ['exchange', '1'],
  ['certification', '0'],
] as const)('B2B in %s mode', (mode, exchangeMode) => {
  it('sets up a partner, issues, allows and cancels the allowance', async () => {
    const partner = await einvoice.b2b.maintainMerchantCustomerData(
      example('/B2BInvoice/MaintainMerchantCustomerData', { ExchangeMode: exchangeMode }),
    );
    expect(partner.RtnCode).toBe(1);

    const issued = await einvoice.b2b.issue(example('/B2BInvoice/Issue', { RelateNumber: `FLOW-B2B-${mode}` }));
    expect(issued.InvoiceNumber).toMatch(/^[A-Z]{2}\d{8}$/);
    // ECPay's answer has no InvoiceDate; the client records the answer's Taipei date for the calls that need it.
    expect(issued.InvoiceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    if (mode === 'exchange') {
      const confirmed = await einvoice.b2b.issueConfirm(
        example('/B2BInvoice/IssueConfirm', { InvoiceNumber: issued.InvoiceNumber, InvoiceDate: issued.InvoiceDate }),
      );
      expect(confirmed.RtnCode).toBe(1);
    }

    const allowance = await einvoice.b2b.allowance(example('/B2BInvoice/Allowance'));
    expect(allowance.RtnCode).toBe(1);
    const allowanceNo = (allowance as { AllowanceNo?: string }).AllowanceNo ?? '2107301425196279';

    if (mode === 'exchange') {
      const agreed = await einvoice.b2b.allowanceConfirm(
        example('/B2BInvoice/AllowanceConfirm', { AllowanceNo: allowanceNo }),
      );
      expect(agreed.RtnCode).toBe(1);
    }

    const cancelled = await einvoice.b2b.cancelAllowance(
      example('/B2BInvoice/CancelAllowance', { AllowanceNo: allowanceNo }),
    );
    expect(cancelled.RtnCode).toBe(1);

    if (mode === 'exchange') {
      const cancelConfirmed = await einvoice.b2b.cancelAllowanceConfirm(
        example('/B2BInvoice/CancelAllowanceConfirm', { AllowanceNo: allowanceNo }),
      );
      expect(cancelConfirmed.RtnCode).toBe(1);
    } else {
      const file = await einvoice.b2b.downloadB2BPdf(
        example('/B2BInvoice/DownloadB2BPdf', { InvoiceNo: issued.InvoiceNumber, InvoiceDate: issued.InvoiceDate }),
      );
      expect(Buffer.from(file.bytes).subarray(0, 4).toString('latin1')).toBe('%PDF');
    }
  });
});
