// The three payload sizes of the codec benchmark, built from the spec's own field shapes, and the canned success
// answer that the instant transport and the fixed-answer server hand back.
import { createAesKey, encryptData } from '../../src/codec.ts';
import { STAGE_CREDENTIALS } from '../../src/config.ts';

/** ECPay's answer to UpdateInvoiceWordStatus, RtnCode 1, sealed with the stage keys: the same text on every call. */
export const cannedAnswer = JSON.stringify({
  MerchantID: STAGE_CREDENTIALS.merchantId,
  RpHeader: { Timestamp: 1 },
  TransCode: 1,
  TransMsg: 'Success',
  Data: encryptData(createAesKey(STAGE_CREDENTIALS.hashKey, STAGE_CREDENTIALS.hashIV), '{"RtnCode":1,"RtnMsg":"成功"}'),
});
const chinese = (n: number) => '綠界科技電子發票加值服務中心台北市內湖區瑞光路'.repeat(Math.ceil(n / 24)).slice(0, n);

/** UpdateInvoiceWordStatus's payload as a caller writes it: what the per-call, end-to-end and soak rows send. */
export const statusPayload = { TrackID: '1234567890', InvoiceStatus: 2 as const };

/** UpdateInvoiceWordStatus: the smallest real payload. */
export const small = JSON.stringify({ MerchantID: '2000132', ...statusPayload });

/** MaintainMerchantCustomerData with every text field at its maximum length, in Chinese (about 2 KB of UTF-8). */
export const medium = JSON.stringify({
  MerchantID: '2000132',
  Action: 'Add',
  CustomerNumber: 'C'.repeat(20),
  Identifier: '53538851',
  type: '3',
  CompanyName: chinese(60),
  PersonInCharge: chinese(30),
  Address: chinese(100),
  TelephoneNumber: '02-2655-1775 #123',
  TradingSlang: chinese(20),
  ExchangeMode: '1',
  EmailAddress: 'invoice@ecpay.com.tw;finance@ecpay.com.tw',
  SalesName: chinese(30),
  ContactAddress: chinese(100),
});

/** A GetInvoiceWordSetting result with 1,000 tracks (about 200 KB). */
export const large = JSON.stringify({
  RtnCode: 1,
  RtnMsg: '成功',
  InvoiceInfo: Array.from({ length: 1_000 }, (_, i) => ({
    TrackID: String(1_000_000_000 + i),
    InvoiceYear: '115',
    InvoiceTerm: (i % 6) + 1,
    InvoiceCategory: 2,
    InvType: '07',
    InvoiceHeader: 'AQ',
    InvoiceStart: '10000000',
    InvoiceEnd: '19999999',
    InvoiceNo: String(10_000_000 + i),
    UseStatus: 2,
  })),
});
