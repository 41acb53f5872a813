// Every constraint the spec states on a request field is enforced before anything is sent. The cases are derived
// from spec/openapi.yaml, so a constraint added to the spec is tested without touching this file.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, EcpayValidationError, STAGE_CREDENTIALS } from '../../src/index.ts';
import { facadeFor, operation, paths } from '../support/spec.ts';

function countingClient() {
  let calls = 0;
  const fetch = async () => {
    calls += 1;
    throw new Error('fetch must not be called for an invalid payload');
  };
  return { client: createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch, retry: { maxRetries: 0 } }), calls: () => calls };
}


interface Mutation { field: string; rule: string; mutate: (p: Record<string, unknown>) => void }

function mutations(schema: any): Mutation[] {
  const out: Mutation[] = [];
  for (const [field, prop] of Object.entries<any>(schema.properties)) {
    const set = (v: unknown) => (p: Record<string, unknown>) => { p[field] = v; };
    if (prop.maxLength !== undefined) out.push({ field, rule: `maxLength ${prop.maxLength}`, mutate: set('9'.repeat(prop.maxLength + 1)) });
    if (prop.minLength) out.push({ field, rule: `minLength ${prop.minLength}`, mutate: set('') });
    if (prop.pattern) out.push({ field, rule: 'must match', mutate: set('!') });
    if (prop.enum) out.push({ field, rule: 'one of', mutate: set(prop.type === 'integer' ? 99 : 'Z') });
    if (prop.type === 'integer') out.push({ field, rule: 'integer', mutate: set('1') });
    if (prop.type === 'string' && !prop.enum) out.push({ field, rule: 'string', mutate: set(12345) });
    if (schema.required.includes(field) && field !== 'MerchantID') {
      out.push({ field, rule: 'required', mutate: (p) => { delete p[field]; } });
    }
  }
  return out;
}

describe.each(paths)('%s rejects before sending', (path) => {
  const { payload: schema, requestExamples } = operation(path);
  const base = requestExamples.page['x-ecpay-data'];
  const cases = mutations(schema);

  it('accepts the page example, the valid starting point of every mutation', async () => {
    expect(cases.length).toBeGreaterThan(2);
    const { client, calls } = countingClient();
    const error = await facadeFor(client, path)(structuredClone(base)).catch((e: unknown) => e);
    // Valid: it reaches fetch, which this client refuses, so the error is a connection error, not validation.
    expect(error).not.toBeInstanceOf(EcpayValidationError);
    expect(calls()).toBe(1);
  });

  it.each(cases.map((m) => [`${m.field}: ${m.rule}`, m] as const))('%s', async (_, m) => {
    const { client, calls } = countingClient();
    const payload = structuredClone(base);
    m.mutate(payload);
    const error = await facadeFor(client, path)(payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayValidationError);
    const issues = (error as EcpayValidationError).issues;
    expect(issues.map((i) => i.field)).toContain(m.field);
    expect((error as Error).message).toContain(m.field);
    expect((error as Error).message).toContain('nothing was sent');
    expect(calls()).toBe(0);
  });
});

describe('messages name the rule', () => {
  it('says the length limit and the length given', async () => {
    const { client } = countingClient();
    const error = await client.b2c.triggerIssue({ Tsr: 'x'.repeat(31), PayType: '2' }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('Tsr: at most 30 characters (maxLength 30; got 31)');
  });

  it('lists the allowed values of an integer enum', async () => {
    const { client } = countingClient();
    const error = await client.b2c.updateInvoiceWordStatus({ TrackID: 'T', InvoiceStatus: 7 as 0 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('InvoiceStatus: must be one of 0, 1, 2 (got 7)');
  });

  it('refuses an unknown field instead of sending it', async () => {
    const { client, calls } = countingClient();
    const error = await client.b2c.triggerIssue({ Tsr: 'T1', PayType: '2', DelayDay: 3 } as never).catch((e: unknown) => e);
    expect((error as Error).message).toContain('DelayDay is not a field of b2cTriggerIssue');
    expect(calls()).toBe(0);
  });
});

describe('GetInvalid conditional requirements', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['neither InvoiceNumber nor RelateNumber', { InvoiceCategory: 0 }, 'one of InvoiceNumber or RelateNumber must have a value'],
    ['InvoiceNumber without InvoiceDate', { InvoiceCategory: 0, InvoiceNumber: 'SA37758327' }, 'InvoiceDate must have a value when InvoiceNumber has one'],
    ['empty strings count as no value', { InvoiceCategory: 1, InvoiceNumber: '', RelateNumber: '' }, 'one of InvoiceNumber or RelateNumber'],
    ['InvoiceNumber with an empty InvoiceDate', { InvoiceCategory: 0, InvoiceNumber: 'SA37758327', InvoiceDate: '' }, 'InvoiceDate must have a value'],
  ];
  it.each(cases)('%s', async (_, payload, message) => {
    const { client, calls } = countingClient();
    const error = await client.b2b.getInvalid(payload as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayValidationError);
    expect((error as Error).message).toContain(message);
    expect(calls()).toBe(0);
  });

  it.each([
    ['by number and date', { InvoiceCategory: 0, InvoiceNumber: 'SA37758327', InvoiceDate: '2019-08-31' }],
    ['by RelateNumber alone', { InvoiceCategory: 1, RelateNumber: 'R20190831' }],
  ])('accepts a lookup %s', async (_, payload) => {
    const { client, calls } = countingClient();
    // Valid: it reaches fetch, which this client refuses, so the error is a connection error, not validation.
    const error = await client.b2b.getInvalid(payload as never).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(EcpayValidationError);
    expect(calls()).toBeGreaterThan(0);
  });
});
