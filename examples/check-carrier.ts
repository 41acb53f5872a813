// Check a buyer's mobile-barcode carrier (手機條碼) and a donation code (捐贈碼) before issuing to them.
//
//   npx tsx examples/check-carrier.ts [barcode] [love code]     against the mock (needs @stoplight/prism-cli)
//   ECPAY_ENVIRONMENT=stage npx tsx examples/check-carrier.ts   against ECPay's stage server, public test merchant
import { createEinvoiceClient, STAGE_CREDENTIALS } from 'ecpay-einvoice';
import { startMock } from 'ecpay-einvoice/mock';

const [barcode = '/6G+X3LQ', loveCode = '168001'] = process.argv.slice(2);
await using mock = process.env.ECPAY_ENVIRONMENT === 'stage' ? undefined : await startMock({ port: 0 });
const einvoice = createEinvoiceClient(
  mock ? { ...STAGE_CREDENTIALS, environment: { baseUrl: mock.url } } : { environment: 'stage' },
);

// `outcome` reads ECPay's answer for you: 'exists', 'not-found' or 'service-unavailable' (ask again later).
const carrier = await einvoice.b2c.checkBarcode({ BarCode: barcode });
console.log(`carrier ${barcode}: ${carrier.outcome}`);

const charity = await einvoice.b2c.checkLoveCode({ LoveCode: loveCode });
console.log(`love code ${loveCode}: ${charity.outcome}${charity.OrganName ? ` (${charity.OrganName})` : ''}`);
