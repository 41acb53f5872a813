// Invalid UTF-8 inside a decrypted answer. ECPay's Data is urlencoded bytes under AES; bytes such as %FF%FE decode
// to no character. The client never replaces them silently: a success stays a success, returned with the warning
// { field: "(answer)", rule: "utf-8" } in withEnvelope().warnings (and the result-warnings debug event); a failure
// stays the failure it is. The Data is built here by hand, byte by byte, with the stage key.
import { describe, expect, it } from 'vitest';
import { aesEncrypt, phpUrlencode } from '../../src/codec.ts';
import { EcpayBusinessError, type DebugEvent } from '../../src/index.ts';
import { stageAes } from '../support/fake-ecpay.ts';
import { clientFor, loopbacks, rejection, trigger } from '../support/hostile.ts';
import { sendJson, ecpayEnvelope } from '../support/loopback.ts';

const serve = loopbacks();

/**
 * Data whose plaintext is `before`, then `rawUrlencoded` exactly as given (already in urlencoded form, so it may
 * carry any byte as %XX), then `after`: PHP's urlencode of the JSON text around it, then AES with the stage key.
 */
const handBuiltData = (before: string, rawUrlencoded: string | Buffer, after: string) =>
  aesEncrypt(
    stageAes,
    Buffer.concat([
      Buffer.from(phpUrlencode(before), 'latin1'),
      typeof rawUrlencoded === 'string' ? Buffer.from(rawUrlencoded, 'latin1') : rawUrlencoded,
      Buffer.from(phpUrlencode(after), 'latin1'),
    ]),
  );
const serveData = (data: string) =>
  serve((_req, res) => {
    sendJson(res, ecpayEnvelope(data));
  });
const UTF8_WARNING = { field: '(answer)', rule: 'utf-8' };

describe('a TriggerIssue success whose RtnMsg holds bytes that are not UTF-8', () => {
  it.each([
    ['%FF%FE', '%FF%FE'],
    ['a lone continuation byte %80', '%80'],
    ['a truncated 3-byte sequence %E7%99', '%E7%99'],
    ['an overlong encoding of "/" %C0%AF', '%C0%AF'],
    ['an encoded surrogate %ED%A0%80', '%ED%A0%80'],
  ])('%s: the success is returned, with the utf-8 warning', async (_, bytes) => {
    const server = await serveData(
      handBuiltData('{"RtnCode":4000004,"RtnMsg":"發票', bytes, `開立","Tsr":"${trigger.Tsr}"}`),
    );
    const events: DebugEvent[] = [];
    const result = await clientFor(server.url, { debug: (e) => events.push(e) }).b2c.triggerIssue.withEnvelope(trigger);
    expect(result.data).toMatchObject({ RtnCode: 4000004, Tsr: trigger.Tsr });
    // What could not be decoded is visible (U+FFFD), around the text that could.
    expect(result.data.RtnMsg).toMatch(/^發票\uFFFD+開立$/);
    expect(result.warnings).toEqual([expect.objectContaining(UTF8_WARNING)]);
    expect(result.warnings[0]!.message).toContain('not valid UTF-8');
    expect(events.filter((e) => e.type === 'result-warnings')).toEqual([
      { type: 'result-warnings', operation: 'b2cTriggerIssue', warnings: [UTF8_WARNING] },
    ]);
    expect(server.count).toBe(1);
  });

  it('raw (not percent-encoded) bytes that are not UTF-8 are caught as well', async () => {
    const server = await serveData(
      handBuiltData('{"RtnCode":4000004,"RtnMsg":"', Buffer.from([0xff, 0xfe, 0x41]), `","Tsr":"${trigger.Tsr}"}`),
    );
    const result = await clientFor(server.url).b2c.triggerIssue.withEnvelope(trigger);
    expect(result.data.RtnCode).toBe(4000004);
    expect(result.warnings).toEqual([expect.objectContaining(UTF8_WARNING)]);
    expect(server.count).toBe(1);
  });

  it('the plain call resolves with the same result (the warning is only in withEnvelope)', async () => {
    const server = await serveData(
      handBuiltData('{"RtnCode":4000004,"RtnMsg":"', '%FF%FE', `","Tsr":"${trigger.Tsr}"}`),
    );
    await expect(clientFor(server.url).b2c.triggerIssue(trigger)).resolves.toMatchObject({
      RtnCode: 4000004,
      RtnMsg: '\uFFFD\uFFFD',
    });
    expect(server.count).toBe(1);
  });

  it('valid multi-byte UTF-8, percent-encoded as ECPay does, gives no warning (the control)', async () => {
    const server = await serveData(
      handBuiltData('{"RtnCode":4000004,"RtnMsg":"', '%E7%99%BC%E7%A5%A8%F0%9F%A7%BE', `","Tsr":"${trigger.Tsr}"}`),
    );
    const result = await clientFor(server.url).b2c.triggerIssue.withEnvelope(trigger);
    expect(result.data.RtnMsg).toBe('發票🧾');
    expect(result.warnings).toEqual([]);
    expect(server.count).toBe(1);
  });
});

describe('elsewhere in the answer', () => {
  it('in a field the spec does not know, on a query: still returned, still warned', async () => {
    const server = await serveData(handBuiltData('{"RtnCode":1,"RtnMsg":"ok","Note":"', '%FF', '"}'));
    const result = await clientFor(server.url).b2c.updateInvoiceWordStatus.withEnvelope({
      TrackID: 'T1',
      InvoiceStatus: 2,
    });
    expect(result.data).toMatchObject({ RtnCode: 1, Note: '\uFFFD' });
    expect(result.warnings).toEqual([expect.objectContaining(UTF8_WARNING)]);
    expect(server.count).toBe(1);
  });

  it('in the RtnMsg of a failure: the business error is kept as it is (not turned into a response error)', async () => {
    const server = await serveData(handBuiltData('{"RtnCode":4000001,"RtnMsg":"', '%FF%FE', '","Tsr":""}'));
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger));
    expect(error).toBeInstanceOf(EcpayBusinessError);
    expect(error).toMatchObject({ rtnCode: 4000001, succeeded: false, outcomeUnknown: false });
    expect(server.count).toBe(1);
  });
});
