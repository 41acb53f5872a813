// Answers that name another request (cross-talk, misrouting, a replayed answer) are refused: a result field that
// echoes a request field (x-ecpay-echo in spec/openapi.yaml) with another value is an EcpayMismatchError. With a
// success RtnCode something was done, perhaps not what this call asked: `succeeded: true`. With a failure RtnCode the
// answer says nothing about this call: its outcome is unknown. The cases are derived from the spec's echo list, so
// an echo added to the spec is covered here with no new test code.
import { describe, expect, it } from 'vitest';
import { EcpayMismatchError } from '../../src/index.ts';
import { get } from '../support/cases.ts';
import { echoing } from '../support/echo.ts';
import { clientFor, loopbacks, rejection } from '../support/hostile.ts';
import { ecpayAnswer, requestData, sendJson } from '../support/loopback.ts';
import { facadeFor, operation, paths } from '../support/spec.ts';

const serve = loopbacks();
const dig = (obj: any, dotted: string) => get(obj, dotted.split('.'));
function put(obj: any, dotted: string, value: unknown) {
  const keys = dotted.split('.');
  const holder = keys.slice(0, -1).reduce((at, k) => (at[k] ??= {}), obj);
  holder[keys.at(-1)!] = value;
}
/** A value that is not `sent`, compared as the client compares (as text, without regard to case). */
const another = (sent: unknown) => (String(sent).toLowerCase() === 'zz99999999' ? 'ZZ88888888' : 'ZZ99999999');
const FAILURE = 9_999_999;

/** A server that answers each request with `make(decrypted request)`. */
const answering = (make: (sent: Record<string, unknown>) => Record<string, unknown>) =>
  serve((_req, res, body) => {
    sendJson(res, ecpayAnswer(make(requestData(body))));
  });

const echoCases = paths.flatMap((path) => {
  const { op, responseExamples, examplePayload } = operation(path);
  return Object.entries<string>(op['x-ecpay-echo'] ?? {}).map(([field, from]) => {
    const payload = examplePayload();
    const success = structuredClone(responseExamples.success['x-ecpay-data']);
    // The request must state the echoed field for the answer to be checked against it (GetIssue's example looks the
    // invoice up by InvoiceNo, so IIS_Relate_Number needs a RelateNumber in the request).
    if (dig(payload, from) === undefined) put(payload, from, String(dig(success, field) ?? 'R-2024-0001'));
    return { name: `${op.operationId}: ${field} echoes ${from}`, path, op, field, from, payload, success };
  });
});

describe('the echo list of the spec', () => {
  it('covers the operations the issue names, at least', () => {
    expect(echoCases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'b2cTriggerIssue: Tsr echoes Tsr',
        'b2cInvalid: InvoiceNo echoes InvoiceNo',
        'b2cGetIssue: IIS_Relate_Number echoes RelateNumber',
      ]),
    );
  });
});

describe.each(echoCases.map((c) => [c.name, c] as const))('%s', (_, { path, op, field, from, payload, success }) => {
  const successCode = success.RtnCode;
  const unsafe = !op['x-ecpay-retry'].safe;

  it('an answer that echoes the request is a success (the control)', async () => {
    const server = await answering((sent) => {
      const answer = echoing(op, sent, success);
      put(answer, field, dig(sent, from));
      return answer;
    });
    await expect(facadeFor(clientFor(server.url), path)(payload)).resolves.toBeTypeOf('object');
    expect(server.count).toBe(1);
  });

  it('a success that names another request: EcpayMismatchError, succeeded, with the data', async () => {
    const server = await answering((sent) => {
      const answer = echoing(op, sent, success);
      put(answer, field, another(dig(sent, from)));
      return answer;
    });
    const error = await rejection(facadeFor(clientFor(server.url), path)(payload));
    expect(error).toBeInstanceOf(EcpayMismatchError);
    expect(error).toMatchObject({
      name: 'EcpayMismatchError',
      operation: op.operationId,
      succeeded: true,
      outcomeUnknown: false,
      recovery: undefined,
      rtnCode: successCode,
      mismatch: { field, sent: String(dig(payload, from)), answered: another(dig(payload, from)) },
    });
    expect(dig(error.data, field)).toBe(another(dig(payload, from)));
    expect(error.message).toContain(
      `is for another request: ${field} is "${another(dig(payload, from))}" where this call sent "${dig(payload, from)}"`,
    );
    expect(error.message).toContain('The operation succeeded at ECPay: do not send it again.');
    expect(server.count).toBe(1);
  });

  it('a failure that names another request: EcpayMismatchError, not succeeded, outcome unknown', async () => {
    const server = await answering((sent) => {
      const answer = echoing(op, sent, success);
      put(answer, field, another(dig(sent, from)));
      return { ...answer, RtnCode: FAILURE, RtnMsg: 'failed' };
    });
    const error = await rejection(facadeFor(clientFor(server.url), path)(payload));
    expect(error).toBeInstanceOf(EcpayMismatchError);
    expect(error).toMatchObject({
      name: 'EcpayMismatchError',
      succeeded: false,
      outcomeUnknown: true,
      rtnCode: FAILURE,
    });
    if (unsafe && op['x-ecpay-recovery']) {
      expect(error.recovery).toMatchObject({ note: op['x-ecpay-recovery'].note });
      expect(error.message).toContain('its outcome is unknown');
    } else {
      expect(error.recovery).toBeUndefined();
    }
    // Not re-sent: a mutation never is once it may have reached ECPay, and a query does not retry an answer.
    expect(server.count).toBe(1);
  });
});

describe('the cases the issue names, spelled out', () => {
  it('TriggerIssue answered for another Tsr with RtnCode 4000004: succeeded, and the data kept', async () => {
    const server = await answering(() => ({ RtnCode: 4000004, RtnMsg: '', Tsr: 'T-OTHER' }));
    const error = await rejection(clientFor(server.url).b2c.triggerIssue({ Tsr: 'T-MINE', PayType: '2' }));
    expect(error).toBeInstanceOf(EcpayMismatchError);
    expect(error).toMatchObject({
      succeeded: true,
      outcomeUnknown: false,
      rtnCode: 4000004,
      data: { RtnCode: 4000004, Tsr: 'T-OTHER' },
    });
    expect(error.message).toContain('Tsr is "T-OTHER" where this call sent "T-MINE"');
    expect(server.count).toBe(1);
  });

  it('TriggerIssue answered for another Tsr with a failure RtnCode: not succeeded, outcome unknown, recovery offered', async () => {
    const server = await answering(() => ({ RtnCode: 4000001, RtnMsg: 'no such Tsr', Tsr: 'T-OTHER' }));
    const error = await rejection(clientFor(server.url).b2c.triggerIssue({ Tsr: 'T-MINE', PayType: '2' }));
    expect(error).toBeInstanceOf(EcpayMismatchError);
    expect(error).toMatchObject({
      succeeded: false,
      outcomeUnknown: true,
      rtnCode: 4000001,
      recovery: { call: 'b2c.getIssue' },
    });
    expect(server.count).toBe(1);
  });

  it('Invalid answered for another InvoiceNo', async () => {
    const server = await answering(() => ({ RtnCode: 1, RtnMsg: '作廢發票成功', InvoiceNo: 'AB00000002' }));
    const error = await rejection(
      clientFor(server.url).b2c.invalid({ InvoiceNo: 'AB00000001', InvoiceDate: '2024-01-31', Reason: '訂單取消' }),
    );
    expect(error).toMatchObject({
      name: 'EcpayMismatchError',
      succeeded: true,
      outcomeUnknown: false,
      mismatch: { field: 'InvoiceNo', sent: 'AB00000001', answered: 'AB00000002' },
    });
    expect(server.count).toBe(1);
  });

  it('GetIssue answered for another IIS_Relate_Number', async () => {
    const { responseExamples } = operation('/B2CInvoice/GetIssue');
    const found = responseExamples.success['x-ecpay-data'];
    const server = await answering(() => ({ ...found, IIS_Relate_Number: 'ORDER-2' }));
    const error = await rejection(clientFor(server.url).b2c.getIssue({ RelateNumber: 'ORDER-1' }));
    expect(error).toMatchObject({
      name: 'EcpayMismatchError',
      succeeded: true,
      mismatch: { field: 'IIS_Relate_Number', sent: 'ORDER-1', answered: 'ORDER-2' },
    });
    expect(server.count).toBe(1);
  });

  it('an echo in another case is the same request (ECPay compares without regard to case)', async () => {
    const server = await answering(() => ({ RtnCode: 4000004, RtnMsg: '', Tsr: 't-mine' }));
    await expect(clientFor(server.url).b2c.triggerIssue({ Tsr: 'T-MINE', PayType: '2' })).resolves.toMatchObject({
      RtnCode: 4000004,
    });
  });
});
