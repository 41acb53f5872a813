// Your vitest config: one mock of ECPay for the whole run, started and stopped by the package's ready-made setup.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['ecpay-einvoice/mock/vitest'],
  },
});
