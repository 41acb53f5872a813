// The forms ECPay POSTs to a merchant's URLs, read through einvoice.callbacks.*: every callback of the spec, from
// every example body the spec gives, in each form a web framework hands over. CheckMacValue is checked against the
// known answer ECPay publishes (developers.ecpay.com.tw/?p=38242) and against tampering.
import { describe, expect, it } from 'vitest';
import { checkMacValue } from '../../src/codec.ts';
import { createEinvoiceClient, EcpayCallbackError, STAGE_CREDENTIALS } from '../../src/index.ts';
import { stageAes } from '../support/fake-ecpay.ts';
import { callbackForms } from '../../codegen/spec/doc.ts';
import { unified } from '../support/spec.ts';

const einvoice = createEinvoiceClient(STAGE_CREDENTIALS);
const readers = einvoice.callbacks as unknown as Record<string, (body: unknown) => any>;

const callbacks = Object.values<any>(unified.paths).flatMap((item) =>
  callbackForms(item.post).map((form) => ({
    ...form,
    media: (form.post as any).requestBody.content['application/x-www-form-urlencoded'],
  })),
);

describe('CheckMacValue', () => {
  it("reproduces ECPay's published example for an online allowance's ReturnURL", () => {
    const fields = {
      RtnCode: '1',
      RtnMsg: '',
      IA_Allow_No: '1909181313013546',
      IA_Invoice_No: 'UV11100019',
      IA_Date: '2019-09-18 13:13:23',
      IIS_Remain_Allowance_Amt: '0',
    };
    expect(checkMacValue(stageAes, fields)).toBe('50A276E71DAE26343013958B405EEEA0');
  });

  it('encodes the .NET way: ! * ( ) stay, spaces are +, other bytes are lower-case %xx', () => {
    const a = checkMacValue(stageAes, { Name: 'A (b)! *c*' });
    const b = checkMacValue(stageAes, { Name: 'A (b)! *c* ' });
    expect(a).toMatch(/^[0-9A-F]{32}$/);
    expect(a).not.toBe(b);
  });
});

describe.each(callbacks.map((c) => [c.name, c] as const))('einvoice.callbacks.%s', (name, cb) => {
  const examples = Object.entries<any>(cb.media.examples);
  const unsigned = () => {
    const { CheckMacValue: _c, ...fields } = examples[0]![1].value;
    return fields as Record<string, string>;
  };
  const withMac = (fields: Record<string, string>) => ({ ...fields, CheckMacValue: checkMacValue(stageAes, fields) });

  it('is on the client', () => expect(typeof readers[name]).toBe('function'));

  it.each(examples)('reads the example "%s" from a raw body, URLSearchParams or a parsed object alike', (_, ex) => {
    const fields = ex.value as Record<string, string>;
    const raw = new URLSearchParams(fields).toString();
    const fromText = readers[name]!(raw);
    expect(readers[name]!(new URLSearchParams(raw))).toEqual(fromText);
    expect(readers[name]!(fields)).toEqual(fromText);
    expect(fromText.reply).toBe(cb.reply);
    expect(fromText.warnings).toEqual([]);
    // An example that carries ECPay's own CheckMacValue is vouched for by the stage key.
    expect(fromText.verified).toBe(cb.post['x-ecpay-check-mac-value'] === 'md5' && fields.CheckMacValue !== undefined);
    // Form values are text; declared numbers come back as numbers.
    for (const [key, prop] of Object.entries<any>(unified.components.schemas[cb.schemaName].properties)) {
      if (fields[key] === undefined) continue;
      expect(typeof fromText.data[key]).toBe(prop.type === 'integer' || prop.type === 'number' ? 'number' : 'string');
    }
  });

  if (cb.post['x-ecpay-check-mac-value'] === 'md5') {
    it('vouches for a form whose CheckMacValue matches, and refuses one changed on the way', () => {
      const fields = withMac(unsigned());
      expect(readers[name]!(fields).verified).toBe(true);
      const changed = { ...fields, [Object.keys(fields)[0]!]: `${Object.values(fields)[0]}9` };
      const error = (() => {
        try {
          readers[name]!(changed);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(EcpayCallbackError);
      expect((error as Error).message).toContain('CheckMacValue: does not match');
      expect((error as Error).message).toContain('Do not answer it with success');
    });

    it('reads a form without a CheckMacValue as unverified', () => {
      expect(readers[name]!(unsigned()).verified).toBe(false);
    });
  }

  it('refuses a form whose declared number is not a number', () => {
    const schema = unified.components.schemas[cb.schemaName];
    const numeric = Object.keys(schema.properties).find((k) =>
      ['integer', 'number'].includes(schema.properties[k].type),
    );
    if (!numeric) return;
    const error = (() => {
      try {
        readers[name]!({ ...unsigned(), [numeric]: 'abc' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EcpayCallbackError);
    expect((error as EcpayCallbackError).issues.map((i) => i.field)).toEqual([numeric]);
  });
});

it('covers at least the callbacks the sources name', () => {
  expect(callbacks.map((c) => c.name)).toEqual(
    expect.arrayContaining(['b2cDelayIssueNotify', 'b2cAllowanceByCollegiateReturn']),
  );
});
