import { describe, expect, it } from 'vitest';
import {
  aesDecrypt,
  createAesKey,
  decryptData,
  encryptData,
  phpUrldecode,
  phpUrldecodeBytes,
  phpUrlencode,
} from '../../src/codec.ts';
import { vectorFile, vectors } from '../support/vectors.ts';

const aes = createAesKey(vectorFile.hashKey, vectorFile.hashIV);
const encryptVectors = vectors.filter((v) => v.direction !== 'decrypt');
const decryptVectors = vectors.filter((v) => v.direction === 'decrypt');

describe('known-answer vectors (PHP urlencode + OpenSSL)', () => {
  it('has every vector of the shared file', () => {
    expect(encryptVectors.length).toBe(11);
    expect(decryptVectors.length).toBe(1);
  });

  it.each(encryptVectors.map((v) => [v.name, v] as const))(
    '%s: urlencode, encrypt and decrypt byte for byte',
    (_, v) => {
      expect(phpUrlencode(v.plaintext_json!)).toBe(v.url_encoded);
      expect(encryptData(aes, v.plaintext_json!)).toBe(v.data);
      expect(aesDecrypt(aes, v.data).toString('utf8')).toBe(v.url_encoded);
      expect(decryptData(aes, v.data)).toBe(v.plaintext_json);
    },
  );

  it.each(decryptVectors.map((v) => [v.name, v] as const))('%s: decrypts and turns + into a space', (_, v) => {
    const json = decryptData(aes, v.data);
    expect(json).toBe(v.expected_json);
    expect(JSON.parse(json).Upload_Date).toBe('2019-09-24 13:39:24');
    expect(JSON.parse(json).CompanyName).toBe('綠界 科技+1');
  });
});

describe('PHP urlencode / urldecode', () => {
  it('encodes the characters encodeURIComponent leaves alone, and a space as +', () => {
    expect(phpUrlencode("!*'()~ ")).toBe('%21%2A%27%28%29%7E+');
    expect(phpUrlencode('A-Za-z0-9-_.')).toBe('A-Za-z0-9-_.');
    expect(phpUrlencode('%2B')).toBe('%252B');
  });

  it('decodes + as a space and %2B as a plus', () => {
    expect(phpUrldecode('a+b%2Bc')).toBe('a b+c');
    expect(phpUrldecode('2019-09-24+13%3A39%3A24')).toBe('2019-09-24 13:39:24');
  });

  it('keeps a stray % as it is, like PHP urldecode (decodeURIComponent would throw)', () => {
    expect(phpUrldecode('100%')).toBe('100%');
    expect(phpUrldecode('%zz%4')).toBe('%zz%4');
    expect(phpUrldecode('%e7%b6%a0')).toBe('綠');
    expect(phpUrldecode('50%+off%21')).toBe('50% off!');
  });

  it('decodes raw UTF-8 bytes that were never urlencoded, and invalid UTF-8 without throwing', () => {
    expect(phpUrldecodeBytes(Buffer.from('綠界+%E7%A7%91', 'utf8'))).toBe('綠界 科');
    expect(phpUrldecodeBytes(Buffer.from('%E7%B6'))).toBe('\uFFFD');
  });

  it('fails on a wrong key instead of returning garbage', () => {
    const other = createAesKey('0123456789abcdef', 'fedcba9876543210');
    expect(() => decryptData(other, vectors[0]!.data)).toThrow();
  });

  it('refuses keys that are not 16 bytes, quoting only the length', () => {
    expect(() => createAesKey('short', 'q9jcZX8Ib9LM8wYk')).toThrow('hashKey must be 16 bytes (got 5)');
    expect(() => createAesKey('ejCk326UnaZWKisg', 'q9jcZX8Ib9LM8wYk!')).toThrow('hashIV must be 16 bytes (got 17)');
  });
});
