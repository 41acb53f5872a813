import { defineConfig } from 'vitest/config';

// Unit, spec and hostile tests need nothing running (the hostile ones start their own loopback servers); contract
// tests get a real Prism from globalSetup; the live suite (ECPay's stage server, network needed) exists only when
// ECPAY_LIVE_STAGE=1, so CI neither runs nor skips it.
const live =
  process.env.ECPAY_LIVE_STAGE === '1' ? [{ test: { name: 'live', include: ['test/live/**/*.test.ts'] } }] : [];

export default defineConfig({
  test: {
    projects: [
      ...live,
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/spec/**/*.test.ts', 'test/hostile/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          globalSetup: ['test/contract/prism-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
