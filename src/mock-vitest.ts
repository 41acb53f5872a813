// `ecpay-einvoice/mock/vitest`: a ready-made vitest global setup. One mock for the whole run, on a free port, stopped
// when the run ends (and by the mock's watchdog if the run is killed).
import { startMock } from './mock.ts';

/** The part of vitest's global-setup argument used here (vitest 1 to 4 all pass an object with `provide`). */
export interface GlobalSetupContext {
  provide?: (key: string, value: unknown) => void;
}

/**
 * Vitest global setup: `test: { globalSetup: ['ecpay-einvoice/mock/vitest'] }`. Starts the mock and hands its URL to
 * the tests as `process.env.ECPAY_MOCK_URL` (read it with `mockUrl()` from `ecpay-einvoice/mock`) and as
 * `inject('ecpayMockUrl')`; returns the teardown that stops it.
 */
export default async function setup(context?: GlobalSetupContext): Promise<() => Promise<void>> {
  const mock = await startMock({ port: 0 });
  process.env.ECPAY_MOCK_URL = mock.url;
  context?.provide?.('ecpayMockUrl', mock.url);
  return async () => {
    await mock.stop();
  };
}
