#!/usr/bin/env node
// `make mock` / `npx ecpay-einvoice-mock [--port N] [--host H]`: the Prism mock in the foreground until Ctrl-C.
import { parseArgs } from 'node:util';
import { startMock } from './mock.ts';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '4010' }, host: { type: 'string', default: '127.0.0.1' } },
});
let mock: Awaited<ReturnType<typeof startMock>>;
try {
  mock = await startMock({ port: Number(values.port), host: values.host, keepAlive: true });
} catch (error) {
  const taken = (error as { code?: string }).code === 'EADDRINUSE';
  console.error(
    taken
      ? `port ${values.port} on ${values.host} is taken (another mock still running?): pick another with --port`
      : (error as Error).message,
  );
  process.exit(1);
}
console.log(`ECPay e-invoice mock (Prism, pid ${mock.pid}) on ${mock.url}`);
console.log(`Use it with createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: '${mock.url}' } }).`);
console.log(
  'Pick an answer per call with the header Prefer: example=success | businessFailure | envelopeFailure. Ctrl-C stops.',
);
const stop = () => void mock.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
