// No mutation is sent twice by the client. For every operation the spec marks unsafe to repeat (derived from
// spec/openapi.yaml, so a new one is covered), a real loopback server counts what it received under each fault that
// leaves the outcome unknown, and the error must say so, with the spec's recovery query ready to call.
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, EcpayError, STAGE_CREDENTIALS } from '../../src/index.ts';
import { get } from '../support/cases.ts';
import { loopbacks } from '../support/hostile.ts';
import type { Handler } from '../support/loopback.ts';
import { facadeFor, operation, paths } from '../support/spec.ts';

const serve = loopbacks();

const faults: [string, Handler][] = [
  ['HTTP 503', (_req, res) => void res.writeHead(503).end('busy')],
  ['HTTP 500', (_req, res) => void res.writeHead(500).end()],
  ['a connection reset', (req) => void req.socket.destroy()],
  ['no answer (timeout)', () => undefined],
  [
    'an answer that is not JSON',
    (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>gateway</html>'),
  ],
];

const mutations = paths.map((path) => ({ path, ...operation(path) })).filter(({ op }) => !op['x-ecpay-retry'].safe);

describe.each(mutations.map((m) => [m.op.operationId, m] as const))('%s', (_, { path, op, examplePayload }) => {
  const payload = examplePayload();
  // Operations safe for some values of a field (MaintainMerchantCustomerData Update) are tested with another value.
  const safeWhen = op['x-ecpay-retry'].safeWhen;
  if (safeWhen && safeWhen.in.includes(payload[safeWhen.field])) payload[safeWhen.field] = 'Add';

  it.each(faults)('is sent once after %s, and says the outcome is unknown', async (_name, handler) => {
    const server = await serve(handler);
    const einvoice = createEinvoiceClient({
      ...STAGE_CREDENTIALS,
      environment: { baseUrl: server.url },
      timeoutMs: 300,
      retry: { baseDelayMs: 1 },
    });
    const error = await facadeFor(einvoice, path)(payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayError);
    expect(server.count).toBe(1);
    expect((error as EcpayError).outcomeUnknown).toBe(true);
    expect((error as Error).message).toContain('its outcome is unknown: do not send it again blindly');

    const recovery = op['x-ecpay-recovery'];
    const hint = (error as EcpayError).recovery;
    if (!recovery) return expect(hint).toBeUndefined();
    expect(hint?.note).toBe(recovery.note);
    expect((error as Error).message).toContain(recovery.note);
    if (!recovery.operation) return expect(hint?.call).toBeUndefined();
    // The query, with its payload filled from the call that failed, ready to call.
    const expected = {
      ...Object.fromEntries(
        Object.entries<string>(recovery.from ?? {}).map(([to, from]) => [to, get(payload, from.split('.'))]),
      ),
      ...recovery.set,
    };
    expect(hint).toMatchObject({ operation: recovery.operation, payload: expected });
    expect((error as Error).message).toContain(`einvoice.${hint!.call}(${JSON.stringify(expected)})`);
    expect(typeof facadeFor(einvoice, paths.find((p) => operation(p).op.operationId === recovery.operation)!)).toBe(
      'function',
    );
  });
});

describe('queries and idempotent updates', () => {
  it("are not given a mutation's recovery advice when no answer arrives", async () => {
    const server = await serve((_req, res) => void res.writeHead(503).end('busy'));
    const einvoice = createEinvoiceClient({
      ...STAGE_CREDENTIALS,
      environment: { baseUrl: server.url },
      retry: { maxRetries: 1, baseDelayMs: 1 },
    });
    const error = await einvoice.b2b.getInvalid({ InvoiceCategory: 0, RelateNumber: 'R1' }).catch((e: unknown) => e);
    expect(server.count).toBe(2);
    expect((error as EcpayError).recovery).toBeUndefined();
    expect((error as Error).message).not.toContain('do not send it again');
    expect((error as Error).message).toContain('safe to call again');
  });
});
