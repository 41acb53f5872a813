// Every operation against a real Prism serving the wire view: the client's real request passes Prism's validation
// (a 422 would surface as EcpayHttpError and fail), the success example decrypts to the spec's plaintext, and the
// failure examples raise the right error kinds. Cases come from spec/openapi.yaml, so a new operation is covered.
import { describe, expect, inject, it } from 'vitest';
import { createEinvoiceClient, EcpayBusinessError, EcpayEnvelopeError, STAGE_CREDENTIALS } from '../../src/index.ts';
import { echoing } from '../support/echo.ts';
import { facadeFor, operation, paths } from '../support/spec.ts';

const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: inject('mockUrl') } });

describe.each(paths.filter((p) => operation(p).op['x-ecpay-answer'] !== 'pdf'))('%s against Prism', (path) => {
  const { op, requestExamples, responseExamples, examplePayload } = operation(path);
  const payload = examplePayload();
  const fn = facadeFor(einvoice, path);
  const prefer = (example: string) => ({ headers: { Prefer: `example=${example}` } });
  const returned = (data: Record<string, unknown>) => ({
    ...data,
    ...(op['x-ecpay-outcomes'] ? { outcome: expect.stringMatching(/^[a-z-]+$/) } : {}),
    ...(op['x-ecpay-records-date']
      ? { [op['x-ecpay-records-date']]: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }
      : {}),
  });

  it('sends a request Prism accepts, and decrypts the success example to the spec plaintext', async () => {
    const result = await fn.withEnvelope(payload, prefer('success'));
    // The mock's answer repeats the request's echoed fields, as ECPay's does (src/mock-echo.ts); the client adds its
    // own reading (outcome) and recorded date where the spec says so.
    expect(result.data).toEqual(returned(echoing(op, payload, responseExamples.success['x-ecpay-data'])));
    expect(result.envelope.TransCode).toBe(1);
    expect(op['x-ecpay-success-codes']).toContain(result.data.RtnCode);
  });

  it('answers the first (success) example when no example is asked for', async () => {
    expect(await fn(payload)).toEqual(returned(echoing(op, payload, responseExamples.success['x-ecpay-data'])));
  });

  it("raises EcpayBusinessError for the business-failure example, with ECPay's code and message", async () => {
    const expected = responseExamples.businessFailure['x-ecpay-data'];
    const error = await fn(payload, prefer('businessFailure')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayBusinessError);
    expect(error).toMatchObject({ rtnCode: expected.RtnCode, rtnMsg: expected.RtnMsg, data: expected });
  });

  it('raises EcpayEnvelopeError for the envelope-failure example', async () => {
    const expected = responseExamples.envelopeFailure.value;
    const error = await fn(payload, prefer('envelopeFailure')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayEnvelopeError);
    expect(error).toMatchObject({ transCode: expected.TransCode, transMsg: expected.TransMsg });
  });

  it.each(Object.keys(requestExamples))('accepts the spec\'s request example "%s"', async (name) => {
    await expect(fn(examplePayload(name), prefer('success'))).resolves.toMatchObject({ RtnCode: expect.any(Number) });
  });
});

// Document operations: the mock answers the file by default, and a failure envelope when JSON is asked for.
describe.each(paths.filter((p) => operation(p).op['x-ecpay-answer'] === 'pdf'))(
  '%s (a document) against Prism',
  (path) => {
    const { responseExamples, examplePayload } = operation(path);
    const payload = examplePayload();
    // A client per test: a document operation's call rate (rateLimit) is kept per client.
    const fresh = () =>
      facadeFor(createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: inject('mockUrl') } }), path);
    const asking = (example: string) => ({ headers: { Prefer: `example=${example}`, Accept: 'application/json' } });

    it('downloads the file as bytes with its content type', async () => {
      const file = await fresh()(payload);
      expect(file.contentType).toBe('application/pdf');
      expect(Buffer.from(file.bytes).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    });

    it('raises EcpayBusinessError for the business-failure envelope', async () => {
      const expected = responseExamples.businessFailure['x-ecpay-data'];
      const error = await fresh()(payload, asking('businessFailure')).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'EcpayBusinessError', rtnCode: expected.RtnCode });
    });

    it('raises EcpayEnvelopeError for the envelope failure', async () => {
      const error = await fresh()(payload, asking('envelopeFailure')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EcpayEnvelopeError);
    });
  },
);

describe('the contract check itself can fail', () => {
  const post = (body: unknown) =>
    fetch(`${inject('mockUrl')}/B2CInvoice/TriggerIssue`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it.each([
    ['no RqHeader', { MerchantID: '2000132', Data: 'AAAA' }, 'RqHeader'],
    ['a string Timestamp', { MerchantID: '2000132', RqHeader: { Timestamp: '1525168923' }, Data: 'AAAA' }, 'Timestamp'],
    [
      'an unknown envelope field',
      { MerchantID: '2000132', RqHeader: { Timestamp: 1 }, Data: 'AAAA', Extra: 1 },
      'Extra',
    ],
    ['Data that is not Base64', { MerchantID: '2000132', RqHeader: { Timestamp: 1 }, Data: 'not base64!' }, 'Data'],
  ])('Prism rejects an envelope with %s', async (_, body, field) => {
    const response = await post(body);
    expect(response.status).toBe(422);
    const problem = await response.json();
    expect(JSON.stringify(problem.validation)).toContain(field);
  });

  it("TriggerIssue's delayed example decrypts to RtnCode 4000003, a success", async () => {
    const result = await einvoice.b2c.triggerIssue(
      { Tsr: '201909170001', PayType: '2' },
      { headers: { Prefer: 'example=delayed' } },
    );
    expect(result.RtnCode).toBe(4000003);
  });
});
