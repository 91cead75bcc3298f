import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A new id: `<prefix>_` + 10 characters of time (ms, Crockford base32, so ids sort by creation)
 * + 16 random characters (80 bits). Ids never reveal row counts and are safe in URLs.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let random = '';
  for (let i = 0; i < 16; i++) {
    // 5 bits per character out of 80 random bits.
    const bit = i * 5;
    const byte = bit >> 3;
    const value = ((bytes[byte]! << 8) | (bytes[byte + 1] ?? 0)) >> (11 - (bit & 7));
    random += ALPHABET[value & 31];
  }
  return `${prefix}_${time}${random}`;
}
