// Property-based tests (fast-check, 10,000 cases per property per run): the codec round-trips any JSON with any
// Unicode, and the urlencoder equals PHP's urlencode, modelled here independently byte by byte.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createAesKey,
  decryptData,
  encryptData,
  phpUrldecode,
  phpUrldecodeBytes,
  phpUrlencode,
} from '../../src/codec.ts';
import { STAGE_CREDENTIALS } from '../../src/client.ts';

const RUNS = 10_000;
const aes = createAesKey(STAGE_CREDENTIALS.hashKey, STAGE_CREDENTIALS.hashIV);

// Characters that break naive encoders, Chinese, emoji and other astral characters, and any code point at all.
const specials = [...'+%&=/?#~!*\'() \n\t\r"\\', '發', '票', '綠界', '🧾', '😀', '𠀋', '\u0000', '\u2028'];
const unit = fc.oneof(fc.constantFrom(...specials), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const text = fc.string({ unit, maxLength: 80 });
const json = fc.jsonValue({ stringUnit: unit, maxDepth: 3 });

/** PHP's urlencode, as its C source does it: per UTF-8 byte, keep A-Z a-z 0-9 - _ ., space -> +, else %XX. */
function referenceUrlencode(s: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.-]/.test(c)) out += c;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** PHP's urldecode, as its C source does it: '+' -> space, %XX with two hex digits -> that byte, else the byte. */
function referenceUrldecode(bytes: Uint8Array): string {
  const out: number[] = [];
  const hex = (b: number | undefined) => (b === undefined ? NaN : parseInt(String.fromCharCode(b), 16));
  for (let i = 0; i < bytes.length; i += 1) {
    const [h, l] = [hex(bytes[i + 1]), hex(bytes[i + 2])];
    if (bytes[i] === 0x25 && !Number.isNaN(h) && !Number.isNaN(l)) {
      out.push(h * 16 + l);
      i += 2;
    } else out.push(bytes[i] === 0x2b ? 0x20 : bytes[i]!);
  }
  return new TextDecoder().decode(new Uint8Array(out));
}

// Text that looks like urlencoded data, broken or not: percent signs, pluses, hex digits and raw characters.
const encodedish = fc.string({
  unit: fc.oneof(fc.constantFrom('%', '+', '2', 'B', 'e', '7', 'f', 'Z', ' '), unit),
  maxLength: 60,
});

describe('properties', () => {
  it(`encrypt -> decrypt returns the same JSON (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(json, (value) => {
        const serialised = JSON.stringify(value);
        const back = decryptData(aes, encryptData(aes, serialised));
        expect(back).toBe(serialised);
        expect(JSON.stringify(JSON.parse(back))).toBe(serialised);
      }),
      { numRuns: RUNS },
    );
  });

  it(`urlencode equals the PHP reference model (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(phpUrlencode(s)).toBe(referenceUrlencode(s));
      }),
      { numRuns: RUNS },
    );
  });

  it(`urldecode inverts urlencode, + included (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(phpUrldecode(phpUrlencode(s))).toBe(s);
      }),
      { numRuns: RUNS },
    );
  });

  it(`urldecode equals the PHP reference model on any bytes, malformed or not (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(encodedish, (s) => {
        const bytes = Buffer.from(s, 'utf8');
        expect(phpUrldecodeBytes(bytes)).toBe(referenceUrldecode(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it(`the encoded text has only PHP's safe characters (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(phpUrlencode(s)).toMatch(/^[A-Za-z0-9_.+%-]*$/);
      }),
      { numRuns: RUNS },
    );
  });
});
