// Redirects are never followed: a 3xx to another loopback server (which must see nothing), or to itself in a loop,
// is one EcpayHttpError naming only the host it pointed to, and TriggerIssue is sent exactly once.
import { describe, expect, it } from 'vitest';
import { EcpayHttpError } from '../../src/index.ts';
import { clientFor, loopbacks, rejection, trigger } from '../support/hostile.ts';
import { ecpayAnswer, type Handler, sendJson } from '../support/loopback.ts';

const serve = loopbacks();
const success: Handler = (_req, res) => {
  sendJson(res, ecpayAnswer({ RtnCode: 4000004, RtnMsg: '', Tsr: trigger.Tsr }));
};
const redirect =
  (status: number, location: () => string): Handler =>
  (_req, res) => {
    res.writeHead(status, { Location: location() });
    res.end();
  };

describe('a redirect to another server is not followed', () => {
  it.each([301, 302, 303, 307, 308])(
    'HTTP %i: TriggerIssue sent once, the other server sees nothing',
    async (status) => {
      const elsewhere = await serve(success);
      const target = `${elsewhere.url.replace('http://', 'http://user:pa55word@')}/B2CInvoice/TriggerIssue?token=s3cret#frag`;
      const origin = await serve(redirect(status, () => target));
      const error = await rejection(clientFor(origin.url).b2c.triggerIssue(trigger));
      expect(error).toBeInstanceOf(EcpayHttpError);
      // Whatever answered 3xx received the request: the client cannot tell that it did nothing, so a mutation's outcome
      // stays unknown and its recovery query is offered.
      expect(error).toMatchObject({
        name: 'EcpayHttpError',
        status,
        redirectedTo: new URL(elsewhere.url).host,
        succeeded: false,
        outcomeUnknown: true,
        attempts: 1,
      });
      expect(error.recovery).toMatchObject({ call: 'b2c.getIssue' });
      expect(error.message).toContain(`a redirect to ${new URL(elsewhere.url).host}`);
      expect(error.message).toContain('it was not followed');
      // Host only: no path, query, fragment or credentials of the Location reach the error.
      for (const text of [error.message, JSON.stringify(error), String(error)]) {
        for (const secret of ['s3cret', 'pa55word', 'token', '#frag', '/B2CInvoice'])
          expect(text).not.toContain(secret);
      }
      expect(origin.count).toBe(1);
      expect(elsewhere.count).toBe(0);
    },
  );

  it('the redirect is refused at the fetch level (redirect: "manual"), not followed and then discarded', async () => {
    const elsewhere = await serve(success);
    const origin = await serve(redirect(307, () => `${elsewhere.url}/B2CInvoice/TriggerIssue`));
    const modes: (RequestRedirect | undefined)[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      modes.push(init?.redirect);
      return fetch(input, init);
    };
    await rejection(clientFor(origin.url, { fetch: fetchSpy }).b2c.triggerIssue(trigger));
    expect(modes).toEqual(['manual']);
    expect(elsewhere.count).toBe(0);
  });

  it('a relative Location names the server that answered', async () => {
    const origin = await serve(redirect(302, () => '/elsewhere/B2CInvoice/TriggerIssue'));
    const error = await rejection(clientFor(origin.url).b2c.triggerIssue(trigger));
    expect(error).toMatchObject({ name: 'EcpayHttpError', status: 302, redirectedTo: new URL(origin.url).host });
    expect(origin.count).toBe(1);
  });
});

describe('a redirect loop', () => {
  it('a 307 to itself is one request and one attempt, even for a query that may be retried', async () => {
    let self = '';
    const origin = await serve(redirect(307, () => `${self}/B2CInvoice/GetIssue`));
    self = origin.url;
    const error = await rejection(clientFor(origin.url).b2c.getIssue.withEnvelope({ RelateNumber: 'ORDER-1' }));
    expect(error).toBeInstanceOf(EcpayHttpError);
    expect(error).toMatchObject({
      name: 'EcpayHttpError',
      status: 307,
      redirectedTo: new URL(origin.url).host,
      attempts: 1,
      succeeded: false,
      recovery: undefined,
    });
    expect(error.message).toContain('it was not followed');
    expect(error.message).not.toContain('do not send it again');
    expect(origin.count).toBe(1);
  });

  it('a 307 to itself for TriggerIssue: sent once', async () => {
    let self = '';
    const origin = await serve(redirect(307, () => `${self}/B2CInvoice/TriggerIssue`));
    self = origin.url;
    const error = await rejection(clientFor(origin.url).b2c.triggerIssue(trigger));
    expect(error).toMatchObject({
      name: 'EcpayHttpError',
      status: 307,
      attempts: 1,
      outcomeUnknown: true,
      succeeded: false,
    });
    expect(origin.count).toBe(1);
  });
});
