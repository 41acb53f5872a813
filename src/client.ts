// createEinvoiceClient: the whole API as einvoice.b2c.* / einvoice.b2b.* and einvoice.callbacks.*, built from the
// generated registry over the core (src/core.ts). Nothing here is per operation: an operation added to the spec
// appears here after `make generate`. An application that wants one operation only uses the core instead.
import { inspect } from 'node:util';
import { operations, type EinvoiceCallbacks, type EinvoiceOperations } from '../generated/operations.gen.ts';
import type { CallbackBody } from './callbacks.ts';
import type { EinvoiceClientConfig } from './config.ts';
import { createEinvoiceCore } from './core.ts';
import type { CallOptions, OperationSpec } from './operation.ts';
import { itemsOf, pagesOf } from './paging.ts';

export { ENVIRONMENTS, STAGE_CREDENTIALS, type EinvoiceClientConfig } from './config.ts';

export type EinvoiceClient = EinvoiceOperations & {
  /** Readers of the forms ECPay POSTs to your URLs (NotifyURL, ReturnURL), checked with your keys. */
  readonly callbacks: EinvoiceCallbacks;
  readonly merchantId: string;
  readonly baseUrl: string;
};

export function createEinvoiceClient(config: EinvoiceClientConfig = {}): EinvoiceClient {
  const core = createEinvoiceCore(config);
  const facade: Record<string, Record<string, unknown>> = {};
  const callbacks: Record<string, (body: CallbackBody) => unknown> = {};
  for (const op of Object.values(operations) as OperationSpec<unknown, unknown>[]) {
    for (const spec of op.callbacks ?? []) callbacks[spec.name] = (body: CallbackBody) => core.readCallback(spec, body);
    const withEnvelope = (payload: unknown, options?: CallOptions) => core.withEnvelope(op, payload, options);
    const call = (payload: unknown, options?: CallOptions) => core.call(op, payload, options);
    const paged = op.paging ? { pages: pagesOf(op.paging, call) } : undefined;
    const extra = paged ? { ...paged, items: itemsOf(op.paging!, paged.pages) } : {};
    (facade[op.product.toLowerCase()] ??= {})[op.method] = Object.assign(call, { withEnvelope }, extra);
  }
  const summary = { merchantId: core.merchantId, baseUrl: core.baseUrl };
  return Object.freeze({
    ...(facade as unknown as EinvoiceOperations),
    callbacks: Object.freeze(callbacks) as unknown as EinvoiceCallbacks,
    ...summary,
    // Keys live only in closures; these make the public face explicit for logs and snapshots.
    toJSON: () => summary,
    [inspect.custom]: () => `EinvoiceClient ${inspect(summary)}`,
  }) as EinvoiceClient;
}
