import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Random bytes are drawn 4 KiB at a time from the CSPRNG and handed out 10 per id: one call per
 * 409 ids instead of one per id (a message batch makes hundreds of ids). Bytes are never reused.
 */
const POOL_BYTES = 4096;
const ID_BYTES = 10;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

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
  if (poolOffset + ID_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += ID_BYTES;
  let random = '';
  for (let i = 0; i < 16; i++) {
    // 5 bits per character out of 80 random bits.
    const bit = i * 5;
    const byte = bit >> 3;
    const next = byte + 1 < ID_BYTES ? pool[start + byte + 1]! : 0;
    const value = ((pool[start + byte]! << 8) | next) >> (11 - (bit & 7));
    random += ALPHABET[value & 31];
  }
  return `${prefix}_${time}${random}`;
}
