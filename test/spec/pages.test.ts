// Every field each page lists is in the unified spec with the page's type, length, enum, required-ness and
// condition. The expectations are transcribed from shared/seeds by hand, independently of spec/operations/.
import { describe, expect, it } from 'vitest';
import { operation } from '../support/spec.ts';

type Field = [type: string | string[], maxLength: number | undefined, required: boolean, enumValues?: unknown[]];
interface Page {
  path: string;
  successCodes: number[];
  retrySafe: boolean;
  request: Record<string, Field>;
  response: Record<string, Field>;
  nested?: Record<string, Record<string, Field>>;
}

const S = 'string',
  I = 'integer';
const pages: Page[] = [
  {
    path: '/B2CInvoice/UpdateInvoiceWordStatus',
    successCodes: [1],
    retrySafe: true,
    request: { MerchantID: [S, 10, true], TrackID: [S, 10, true], InvoiceStatus: [I, undefined, true, [0, 1, 2]] },
    response: { RtnCode: [I, undefined, true], RtnMsg: [S, 200, true] },
  },
  {
    path: '/B2BInvoice/GetInvoiceWordSetting',
    successCodes: [1],
    retrySafe: true,
    // InvoiceTerm: 0 added (the page's example, ECPay's SDKs). InvoiceCategory: the SDKs' integers beside the table's
    // "3", filled in with 2 when left out (so optional to the caller, always sent).
    request: {
      MerchantID: [S, 10, true],
      InvoiceYear: [S, 3, true],
      InvoiceTerm: [I, undefined, true, [0, 1, 2, 3, 4, 5, 6]],
      UseStatus: [I, undefined, true, [0, 1, 2, 3, 4, 5, 6]],
      InvoiceCategory: [[I, S], undefined, true, [0, 1, 2, 3, 4, '3']],
      InvType: [S, 2, false, ['07', '08']],
      InvoiceHeader: [S, 2, false],
    },
    response: { RtnCode: [I, undefined, true], RtnMsg: [S, 200, true], InvoiceInfo: ['array', undefined, false] },
    nested: {
      'InvoiceInfo[]': {
        TrackID: [S, 10, false],
        InvoiceYear: [S, 3, false],
        InvoiceTerm: [I, undefined, false],
        InvoiceCategory: [I, undefined, false],
        InvType: [S, 2, false],
        InvoiceHeader: [S, 2, false],
        InvoiceStart: [S, 8, false],
        InvoiceEnd: [S, 8, false],
        InvoiceNo: [S, 8, false],
        UseStatus: [I, undefined, false],
      },
    },
  },
  // Success codes: 1 added (the page's own example and YAML).
  {
    path: '/B2CInvoice/TriggerIssue',
    successCodes: [1, 4000003, 4000004],
    retrySafe: false,
    request: { MerchantID: [S, 10, true], Tsr: [S, 30, true], PayType: [S, 1, true, ['2']] },
    response: { RtnCode: [I, undefined, true], RtnMsg: [S, 200, true], Tsr: [S, 30, false] },
  },
  {
    path: '/B2BInvoice/GetInvalid',
    successCodes: [1],
    retrySafe: true,
    request: {
      MerchantID: [S, 10, true],
      InvoiceCategory: [I, undefined, true, [0, 1]],
      InvoiceNumber: [S, 10, false],
      // RelateNumber: 50, as B2B Issue accepts in certification mode.
      InvoiceDate: [S, 20, false],
      RelateNumber: [S, 50, false],
    },
    response: { RtnCode: [I, undefined, true], RtnMsg: [S, 200, true], RtnData: ['object', undefined, false] },
    nested: {
      RtnData: {
        MerchantID: [S, 10, false],
        InvoiceNumber: [S, 10, false],
        Upload_Status: [S, 1, false, ['', '0', '1', '2']],
        Upload_Date: [S, 20, false],
        ConfirmDate: [S, undefined, false],
        ExchangeStatus: [S, undefined, false, ['', '0', '1']],
        Remark: [S, 200, false],
      },
    },
  },
  {
    path: '/B2BInvoice/MaintainMerchantCustomerData',
    successCodes: [1],
    retrySafe: false,
    request: {
      MerchantID: [S, 10, true],
      Action: [S, 10, true, ['Add', 'Update', 'Delete']],
      CustomerNumber: [S, 20, false],
      Identifier: [S, 8, true],
      type: [S, 1, true, ['1', '2', '3']],
      CompanyName: [S, 60, true],
      PersonInCharge: [S, 30, false],
      Address: [S, 100, false],
      TelephoneNumber: [S, 30, false],
      TradingSlang: [S, 20, true],
      ExchangeMode: [S, 1, true, ['0', '1']],
      EmailAddress: [S, 80, true],
      SalesName: [S, 30, false],
      ContactAddress: [S, 100, false],
    },
    response: { RtnCode: [I, undefined, true], RtnMsg: [S, 200, true] },
  },
];

function expectFields(schema: any, fields: Record<string, Field>) {
  for (const [name, [type, maxLength, required, enumValues]] of Object.entries(fields)) {
    const prop = schema.properties?.[name];
    expect(prop, `${name} is missing`).toBeDefined();
    expect(prop.type, `${name} type`).toEqual(type);
    expect(prop.maxLength, `${name} maxLength`).toBe(maxLength);
    expect((schema.required ?? []).includes(name), `${name} required`).toBe(required);
    if (enumValues) expect(prop.enum, `${name} enum`).toEqual(enumValues);
  }
}

describe.each(pages)('$path', (page) => {
  const { op, payload, result } = operation(page.path);

  it("has every request field with the page's type, length, enum and required-ness", () =>
    expectFields(payload, page.request));
  it('has every response field', () => expectFields(result, page.response));
  for (const [where, fields] of Object.entries(page.nested ?? {})) {
    it(`has every field of ${where}`, () => {
      expectFields(
        where.endsWith('[]') ? result.properties[where.slice(0, -2)].items : result.properties[where],
        fields,
      );
    });
  }
  it('states its success codes, retry safety, product and servers', () => {
    expect(op['x-ecpay-success-codes']).toEqual(page.successCodes);
    expect(op['x-ecpay-retry'].safe).toBe(page.retrySafe);
    expect(op.tags).toEqual([page.path.startsWith('/B2C') ? 'B2C' : 'B2B']);
    expect(op.operationId.toLowerCase().startsWith(op.tags[0].toLowerCase())).toBe(true);
  });
  it('refuses unknown request fields', () => {
    expect(payload.additionalProperties).toBe(false);
  });
});

describe('conditional requirements of GetInvalid', () => {
  it('are in standard JSON Schema: one of InvoiceNumber / RelateNumber, InvoiceDate with InvoiceNumber', () => {
    const { payload } = operation('/B2BInvoice/GetInvalid');
    expect(payload.anyOf).toEqual([{ required: ['InvoiceNumber'] }, { required: ['RelateNumber'] }]);
    expect(payload.dependentRequired).toEqual({ InvoiceNumber: ['InvoiceDate'] });
  });
});

describe('decisions where a page contradicts itself', () => {
  // Each contradiction found in the pages, and where its decision is written.
  const decided: [string, (o: ReturnType<typeof operation>) => unknown][] = [
    ['TriggerIssue: example RtnCode 1 vs table 4000003/4000004', (o) => o.op['x-ecpay-success-codes-decision']],
    [
      'TriggerIssue: response OrderNumber (table) vs Tsr (example, YAML), 30 vs 20',
      (o) => o.result.properties.Tsr['x-ecpay-decision'],
    ],
    [
      'GetInvoiceWordSetting: InvoiceTerm 0 in the example and the SDKs',
      (o) => o.payload.properties.InvoiceTerm['x-ecpay-decision'],
    ],
    [
      'GetInvoiceWordSetting: InvoiceCategory "3" vs 1 vs 2',
      (o) => o.payload.properties.InvoiceCategory['x-ecpay-decision'],
    ],
    [
      'GetInvoiceWordSetting: InvoiceInfo array vs invalid example',
      (o) => o.result.properties.InvoiceInfo['x-ecpay-decision'],
    ],
    ['GetInvalid: RtnData string placeholder vs object', (o) => o.result.properties.RtnData['x-ecpay-decision']],
    [
      'GetInvalid: Upload_Date format vs example',
      (o) => o.result.properties.RtnData.properties.Upload_Date['x-ecpay-decision'],
    ],
    [
      'GetInvalid: InvoiceDate separators and a DateTime (the Chinese page, the .NET SDK)',
      (o) => o.payload.properties.InvoiceDate['x-ecpay-decision'],
    ],
    ['GetInvalid: RelateNumber 20 vs 50', (o) => o.payload.properties.RelateNumber['x-ecpay-decision']],
    [
      "GetInvalid: Upload_Status string vs the .NET SDK's number",
      (o) => o.result.properties.RtnData.properties.Upload_Status['x-ecpay-decision'],
    ],
    ['MaintainMerchantCustomerData: lower-case type', (o) => o.payload.properties.type['x-ecpay-decision']],
    ["UpdateInvoiceWordStatus: the YAML's bodiless 400 and 500", (o) => o.op['x-ecpay-decision']],
  ];
  const byName: Record<string, string> = {
    TriggerIssue: '/B2CInvoice/TriggerIssue',
    GetInvoiceWordSetting: '/B2BInvoice/GetInvoiceWordSetting',
    GetInvalid: '/B2BInvoice/GetInvalid',
    MaintainMerchantCustomerData: '/B2BInvoice/MaintainMerchantCustomerData',
    UpdateInvoiceWordStatus: '/B2CInvoice/UpdateInvoiceWordStatus',
  };
  it.each(decided)('%s', (what, get) => {
    const reason = get(operation(byName[what.split(':')[0]!]!));
    expect(typeof reason).toBe('string');
    expect((reason as string).length).toBeGreaterThan(40);
  });
});
