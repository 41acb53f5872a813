// Timeouts that would fire at once, never, or after 1 ms (Node clamps a delay beyond 2^31 - 1 to 1 ms): each is
// refused before anything is sent, per call and for the client, for a query and for TriggerIssue alike.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, EcpayConfigError, STAGE_CREDENTIALS } from '../../src/index.ts';
import { baseConfig, clientFor, loopbacks, refusedConfiguration, rejection, trigger } from '../support/hostile.ts';
import { ecpayAnswer, sendJson } from '../support/loopback.ts';

const serve = loopbacks();
const answer = (result: Record<string, unknown>) => (_req: unknown, res: import('node:http').ServerResponse) => {
  sendJson(res, ecpayAnswer(result));
};
const LARGEST = 2_147_483_647;

const badTimeouts: [string, number][] = [
  ['0', 0],
  ['negative', -1],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['1e-9', 1e-9],
  ['2**31', 2 ** 31],
];

describe('a per-call timeoutMs that cannot work is refused before sending', () => {
  it.each(badTimeouts)('%s, for a query', async (_, timeoutMs) => {
    const server = await serve(answer({ RtnCode: 1, RtnMsg: 'ok' }));
    const error = await rejection(
      clientFor(server.url).b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 }, { timeoutMs }),
    );
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error).toMatchObject({
      name: 'EcpayConfigError',
      outcomeUnknown: false,
      succeeded: false,
      recovery: undefined,
    });
    expect(error.message).toContain(`timeoutMs must be a number from 1 to ${LARGEST} (got ${String(timeoutMs)})`);
    expect(error.message).toContain('nothing was sent');
    expect(server.count).toBe(0);
  });

  it.each(badTimeouts)('%s, for TriggerIssue', async (_, timeoutMs) => {
    const server = await serve(answer({ RtnCode: 4000004, RtnMsg: '', Tsr: trigger.Tsr }));
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger, { timeoutMs }));
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error).toMatchObject({
      name: 'EcpayConfigError',
      operation: 'b2cTriggerIssue',
      outcomeUnknown: false,
      succeeded: false,
      recovery: undefined,
    });
    expect(error.message).not.toContain('outcome is unknown');
    expect(server.count).toBe(0);
  });

  it('a timeoutMs given as text is refused as well', async () => {
    const server = await serve(answer({ RtnCode: 1, RtnMsg: 'ok' }));
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger, { timeoutMs: '5000' as never }));
    expect(error).toMatchObject({ name: 'EcpayConfigError', outcomeUnknown: false });
    expect(server.count).toBe(0);
  });

  it('the largest timer, 2^31 - 1 ms, is accepted per call', async () => {
    const server = await serve(answer({ RtnCode: 4000004, RtnMsg: '', Tsr: trigger.Tsr }));
    const result = await clientFor(server.url).b2c.triggerIssue(trigger, { timeoutMs: LARGEST });
    expect(result.RtnCode).toBe(4000004);
    expect(server.count).toBe(1);
  });
});

describe('a client-level timeoutMs that cannot work is refused at construction', () => {
  it.each(badTimeouts)('%s', async (_, timeoutMs) => {
    const error = await refusedConfiguration(serve, (url) => ({ ...baseConfig(url), timeoutMs }));
    expect(error.message).toContain(`timeoutMs must be a number from 1 to ${LARGEST}`);
  });

  it('2**31 - 1 is accepted, and a call goes through', async () => {
    const server = await serve(answer({ RtnCode: 4000004, RtnMsg: '', Tsr: trigger.Tsr }));
    const einvoice = createEinvoiceClient({
      ...STAGE_CREDENTIALS,
      environment: { baseUrl: server.url },
      timeoutMs: LARGEST,
    });
    await expect(einvoice.b2c.triggerIssue(trigger)).resolves.toMatchObject({ RtnCode: 4000004 });
    expect(server.count).toBe(1);
  });
});
