// The known-answer vectors from shared/ (PHP urlencode + OpenSSL, ECPay's stage key), read where CI finds them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Vector {
  name: string;
  direction?: 'decrypt';
  plaintext_json?: string;
  url_encoded?: string;
  data: string;
  expected_json?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
// shared/ sits beside the checkout (../shared); a copy is kept in test/fixtures for machines without it.
const candidates = [join(here, '../../../shared/vectors/aes-vectors.json'), join(here, '../fixtures/aes-vectors.json')];
const file = candidates.find((f) => existsSync(f))!;

export const vectorFile = JSON.parse(readFileSync(file, 'utf8')) as {
  hashKey: string;
  hashIV: string;
  vectors: Vector[];
};
export const vectors = vectorFile.vectors;
export const vector = (name: string): Vector => {
  const found = vectors.find((v) => v.name === name);
  if (!found) throw new Error(`no vector ${name}`);
  return found;
};
