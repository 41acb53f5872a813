// The CPU-per-call rows of `make bench`, in a process of their own so that `run.ts` can measure them under each Node
// the package supports (the machine's own, and Node 22 and 24 from the package test's runtime cache): Node's own
// Request, Headers and AbortSignal cost differ most between versions, and the generated client builds one of each.
// An instant transport hands the same canned answer to every client, so only client CPU is measured. Prints one
// JSON line of medians, in µs of CPU (user + system) per call.
import { join } from 'node:path';
import { ENVIRONMENTS, STAGE_CREDENTIALS } from '../../src/config.ts';
import { handWrittenClient } from './baseline.ts';
import { cannedAnswer, statusPayload } from './payloads.ts';
import { root } from '../support/spec.ts';

// The package as users run it: the built bundle, not the sources through a TypeScript loader.
const { createEinvoiceClient } = (await import(join(root, 'dist/index.js'))) as typeof import('../../src/index.ts');
const { b2cUpdateInvoiceWordStatus } = await import('../../generated/hey-api/sdk.gen.ts');
const { createClient, createConfig } = await import('../../generated/hey-api/client/index.ts');

const fetch = (async () =>
  new Response(cannedAnswer, { headers: { 'Content-Type': 'application/json' } })) as typeof globalThis.fetch;

const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch });
const floor = handWrittenClient(
  STAGE_CREDENTIALS.merchantId,
  STAGE_CREDENTIALS.hashKey,
  STAGE_CREDENTIALS.hashIV,
  ENVIRONMENTS.stage,
  fetch,
);
// Diagnostic: the generated operation over hey-api's fetch client alone (its options merge, Headers, Request and
// response handling, no envelope, no checks): the part of the gap that is the design's chosen pipeline.
const heyApi = createClient(
  createConfig({ baseUrl: ENVIRONMENTS.stage, bodySerializer: () => '', parseAs: 'stream', throwOnError: true }),
);
const calls = {
  client: () => einvoice.b2c.updateInvoiceWordStatus(statusPayload),
  hand: () => floor('/B2CInvoice/UpdateInvoiceWordStatus', statusPayload),
  heyApi: () => b2cUpdateInvoiceWordStatus({ client: heyApi, body: statusPayload, fetch }),
};

/** CPU time per call (user + system, so a noisy neighbour's wall-clock time does not count). */
async function cpuPerCall(call: () => Promise<unknown>, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i += 1) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

for (let i = 0; i < 3; i += 1) for (const call of Object.values(calls)) await cpuPerCall(call, 3_000);
// Interleaved rounds, and the ratio of each round's pair, so that a burst of noise on this shared machine hits every
// side alike; medians of the rounds.
const rounds: Record<keyof typeof calls | 'ratio' | 'heyApiRatio', number[]> = {
  client: [],
  hand: [],
  heyApi: [],
  ratio: [],
  heyApiRatio: [],
};
for (let round = 0; round < 11; round += 1) {
  const measured = { client: 0, hand: 0, heyApi: 0 };
  for (const [name, call] of Object.entries(calls))
    measured[name as keyof typeof calls] = await cpuPerCall(call, 3_000);
  for (const name of Object.keys(measured) as (keyof typeof calls)[]) rounds[name].push(measured[name]);
  rounds.ratio.push(measured.client / measured.hand);
  rounds.heyApiRatio.push(measured.heyApi / measured.hand);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  JSON.stringify({
    node: process.version,
    ...Object.fromEntries(Object.entries(rounds).map(([name, xs]) => [name, median(xs)])),
  }),
);
