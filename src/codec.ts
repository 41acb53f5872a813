// The AES envelope codec: PHP-exact urlencode, AES-128-CBC/PKCS7 with node:crypto, Base64.
// Reproduces the known-answer vectors in shared/vectors byte for byte (see test/unit/codec.test.ts).
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';

// encodeURIComponent already percent-encodes every UTF-8 byte except A-Z a-z 0-9 - _ . ! ~ * ' ( ); PHP's urlencode
// also encodes ! ~ * ' ( ) and writes a space as '+'. Only those seven differ, so patch them after the fact.
const PHP_EXTRAS: Record<string, string> = {
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '*': '%2A',
  '~': '%7E',
  '%20': '+',
};
const PHP_EXTRAS_RE = /[!'()*~]|%20/g;

/** PHP `urlencode`: what ECPay's own SDK applies to the JSON before AES. */
export function phpUrlencode(text: string): string {
  return encodeURIComponent(text).replace(PHP_EXTRAS_RE, (m) => PHP_EXTRAS[m]!);
}

/** PHP `urldecode`: '+' is a space, then percent-decoding (a bare decodeURIComponent would keep the '+'). */
export function phpUrldecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** The two secrets, validated and held as a KeyObject and a Buffer that never print their contents. */
export interface AesKey {
  readonly key: KeyObject;
  readonly iv: Buffer;
}

/** HashKey and HashIV are used as their 16 ASCII bytes: no hex decoding, no hashing (ECPay's AES appendix). */
export function createAesKey(hashKey: string, hashIV: string): AesKey {
  const key = Buffer.from(hashKey, 'utf8');
  const iv = Buffer.from(hashIV, 'utf8');
  // Lengths only: the message must never quote the values.
  if (key.length !== 16) throw new RangeError(`hashKey must be 16 bytes (got ${key.length})`);
  if (iv.length !== 16) throw new RangeError(`hashIV must be 16 bytes (got ${iv.length})`);
  return { key: createSecretKey(key), iv };
}

/** AES-128-CBC with PKCS7 padding over raw bytes, Base64 out. The bare cipher, also the benchmark's baseline. */
export function aesEncrypt(aes: AesKey, plaintext: Buffer | string): string {
  const cipher = createCipheriv('aes-128-cbc', aes.key, aes.iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** Base64 in, AES-128-CBC decrypt, PKCS7 unpad; throws on a wrong key (bad padding) or bad input. */
export function aesDecrypt(aes: AesKey, base64: string): Buffer {
  const decipher = createDecipheriv('aes-128-cbc', aes.key, aes.iv);
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]);
}

/** Request direction: JSON text -> urlencode -> AES -> Base64. */
export function encryptData(aes: AesKey, json: string): string {
  return aesEncrypt(aes, phpUrlencode(json));
}

/** Response direction: Base64 -> AES -> urldecode -> JSON text (not yet parsed). */
export function decryptData(aes: AesKey, base64: string): string {
  return phpUrldecode(aesDecrypt(aes, base64).toString('utf8'));
}
