// Each way a call can fail raises its own typed error, keeping ECPay's codes and messages.
import { describe, expect, it } from 'vitest';
import {
  createEinvoiceClient,
  EcpayAbortError,
  EcpayBusinessError,
  EcpayConfigError,
  EcpayConnectionError,
  EcpayEnvelopeError,
  EcpayHttpError,
  EcpayResponseError,
  EcpayTimeoutError,
  EcpayUnexpectedShapeError,
  STAGE_CREDENTIALS,
} from '../../src/index.ts';
import { encryptData, createAesKey } from '../../src/codec.ts';
import { fakeEcpay, hangingFetch, stageAes, type Answer, fakeClient } from '../support/fake-ecpay.ts';

const client = fakeClient;
const trigger = { Tsr: '201909170001', PayType: '2' as const };
const answering = (a: Answer) => fakeEcpay(() => a);

describe('TriggerIssue success codes', () => {
  // 1 too: the page's own example and YAML show it as the success (the decision is in the spec).
  it.each([1, 4000003, 4000004])('treats RtnCode %i as success', async (code) => {
    const result = await client(
      answering({ result: { RtnCode: code, RtnMsg: '', Tsr: trigger.Tsr } }).fetch,
    ).b2c.triggerIssue(trigger);
    expect(result.RtnCode).toBe(code);
  });

  it.each([4000001, 1600003])('treats RtnCode %i as a business failure', async (code) => {
    const error = await client(answering({ result: { RtnCode: code, RtnMsg: '失敗', Tsr: '' } }).fetch)
      .b2c.triggerIssue(trigger)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayBusinessError);
    expect(error).toMatchObject({
      name: 'EcpayBusinessError',
      rtnCode: code,
      rtnMsg: '失敗',
      data: { RtnCode: code, Tsr: '' },
      operation: 'b2cTriggerIssue',
    });
    expect((error as Error).message).toBe(`b2cTriggerIssue: ECPay returned RtnCode ${code} (失敗)`);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'EcpayBusinessError',
      message: (error as Error).message,
      rtnCode: code,
    });
  });

  it('judges a numeric-string RtnCode by its value and returns it as a number', async () => {
    const business = await client(answering({ result: { RtnCode: '1600003', RtnMsg: 'no' } }).fetch)
      .b2c.triggerIssue(trigger)
      .catch((e: unknown) => e);
    expect(business).toMatchObject({ name: 'EcpayBusinessError', rtnCode: 1600003 });
    const result = await client(answering({ result: { RtnCode: '4000004', RtnMsg: '' } }).fetch).b2c.triggerIssue(
      trigger,
    );
    expect(result).toEqual({ RtnCode: 4000004, RtnMsg: '' });
  });

  it('says the operation succeeded when a success result breaks its declared types', async () => {
    const shape = await client(answering({ result: { RtnCode: 4000004, RtnMsg: { text: 'not a string' } } }).fetch)
      .b2c.triggerIssue(trigger)
      .catch((e: unknown) => e);
    expect(shape).toBeInstanceOf(EcpayUnexpectedShapeError);
    expect(shape).toMatchObject({ succeeded: true, data: { RtnCode: 4000004 } });
    expect((shape as Error).message).toContain('the operation succeeded');
    expect((shape as Error).message).toContain('RtnMsg: must be a string (got {"text":"not a string"})');
  });
});

describe('envelope failures', () => {
  it('raises EcpayEnvelopeError with TransCode and TransMsg, without decrypting', async () => {
    const error = await client(answering({ result: {}, transCode: 10000006, transMsg: '資料解密錯誤' }).fetch)
      .b2c.triggerIssue(trigger)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayEnvelopeError);
    expect(error).toMatchObject({ transCode: 10000006, transMsg: '資料解密錯誤', clockSkewSeconds: 0 });
    expect((error as Error).message).not.toContain('timestamp problem');
  });

  it('measures the clock skew from RpHeader.Timestamp and says what to do', async () => {
    const error = await client(
      answering({ result: {}, transCode: 999, transMsg: 'Timestamp invalid', serverTime: 1525168923 + 900 }).fetch,
    )
      .b2c.triggerIssue(trigger)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'EcpayEnvelopeError', clockSkewSeconds: 900 });
    expect((error as Error).message).toContain("this machine's clock is 900 s behind ECPay's");
    expect((error as Error).message).toContain('Synchronise the clock');
  });
});

describe('bad responses', () => {
  const cases: [string, Answer, RegExp][] = [
    ['non-JSON', { body: 'hello' }, /not JSON/],
    ['no TransCode', { body: '{"Data":"x"}' }, /no numeric TransCode/],
    ['TransCode 1 without Data', { body: '{"TransCode":1,"TransMsg":"","Data":""}' }, /no Data/],
    ['Data that is not Base64', { body: '{"TransCode":1,"Data":"%%%"}' }, /not Base64/],
    [
      'Data under another key',
      {
        body: JSON.stringify({
          TransCode: 1,
          Data: encryptData(createAesKey('0000000000000000', '1111111111111111'), '{"RtnCode":1}'),
        }),
      },
      /could not be decrypted/,
    ],
    [
      'Data that is not JSON',
      { body: JSON.stringify({ TransCode: 1, Data: encryptData(stageAes, 'not json') }) },
      /not JSON/,
    ],
    [
      'decrypted JSON without RtnCode',
      { body: JSON.stringify({ TransCode: 1, Data: encryptData(stageAes, '{"RtnMsg":"?"}') }) },
      /no numeric RtnCode/,
    ],
  ];
  it.each(cases)('%s raises EcpayResponseError with the outcome unknown', async (_, answer, message) => {
    const error = await client(answering(answer).fetch)
      .b2c.updateInvoiceWordStatus({ TrackID: 'T', InvoiceStatus: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayResponseError);
    expect(error).not.toBeInstanceOf(EcpayUnexpectedShapeError);
    expect((error as Error).message).toMatch(message);
    expect((error as EcpayResponseError).outcomeUnknown).toBe(true);
  });

  it('raises EcpayHttpError for a non-2xx status and flags 403 as the rate limit', async () => {
    const error = await client(
      answering({ status: 403, body: '<html>Forbidden</html>', headers: { 'Retry-After': '120' } }).fetch,
    )
      .b2c.updateInvoiceWordStatus({ TrackID: 'T', InvoiceStatus: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayHttpError);
    expect(error).toMatchObject({
      status: 403,
      rateLimited: true,
      retryAfterSeconds: 120,
      bodyExcerpt: '<html>Forbidden</html>',
    });
    expect((error as Error).message).toContain("ECPay's rate limit");
  });
});

describe('transport failures', () => {
  it('raises EcpayConnectionError with the platform error as cause', async () => {
    const cause = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    const error = await client(async () => {
      throw cause;
    })
      .b2c.triggerIssue(trigger)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayConnectionError);
    expect(error).toMatchObject({ outcomeUnknown: true, cause });
    expect((error as Error).message).toContain('ECONNRESET');
    expect((error as Error).message).toContain('outcome is unknown');
  });

  it('raises EcpayTimeoutError when no answer comes in time', async () => {
    const error = await client(hangingFetch, { timeoutMs: 20 })
      .b2c.triggerIssue(trigger)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayTimeoutError);
    expect((error as Error).message).toContain('no complete answer within 20 ms');
  });

  it('raises EcpayAbortError when the caller aborts, distinct from a timeout', async () => {
    const controller = new AbortController();
    const pending = client(hangingFetch)
      .b2c.triggerIssue(trigger, { signal: controller.signal })
      .catch((e: unknown) => e);
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(EcpayAbortError);
    expect(error).not.toBeInstanceOf(EcpayTimeoutError);
  });
});

describe('configuration', () => {
  const cases: [string, object, string][] = [
    [
      'a short key',
      { merchantId: '2000132', hashKey: 'short', hashIV: STAGE_CREDENTIALS.hashIV },
      'hashKey must be 16 bytes (got 5)',
    ],
    [
      'a long IV',
      { merchantId: '2000132', hashKey: STAGE_CREDENTIALS.hashKey, hashIV: 'x'.repeat(17) },
      'hashIV must be 16 bytes (got 17)',
    ],
    [
      'an empty MerchantID',
      { merchantId: '', hashKey: STAGE_CREDENTIALS.hashKey, hashIV: STAGE_CREDENTIALS.hashIV },
      'merchantId must be a non-empty string',
    ],
    [
      'production without keys',
      { environment: 'production' },
      'production needs explicit merchantId, hashKey and hashIV',
    ],
    [
      'production with the stage keys',
      { ...STAGE_CREDENTIALS, environment: 'production' },
      "production was given ECPay's public stage hashKey",
    ],
    [
      'a custom baseUrl without keys',
      { environment: { baseUrl: 'http://127.0.0.1:4010' } },
      'a custom baseUrl needs explicit',
    ],
    ['keys without a MerchantID', { hashKey: STAGE_CREDENTIALS.hashKey, hashIV: STAGE_CREDENTIALS.hashIV }, 'together'],
    ['a bad timeout', { timeoutMs: 0 }, 'timeoutMs must be a number from 1 to 2147483647 (got 0)'],
  ];
  it.each(cases)('refuses %s at construction', (_, config, message) => {
    expect(() => createEinvoiceClient(config)).toThrow(EcpayConfigError);
    expect(() => createEinvoiceClient(config)).toThrow(message);
  });

  it('defaults to stage with the public test merchant', () => {
    const c = createEinvoiceClient();
    expect(c.baseUrl).toBe('https://einvoice-stage.ecpay.com.tw');
    expect(c.merchantId).toBe('2000132');
  });
});
