import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { InputError } from '@switchboard/sdk';

/** Shortest password accepted, in characters. */
export const PASSWORD_MIN_LENGTH = 10;
/** Longest password accepted, in characters (bounds the hashing work per attempt). */
export const PASSWORD_MAX_LENGTH = 200;

/** OWASP's scrypt parameters: N = 2^17, r = 8, p = 1. `log2N` comes from `auth.scryptLog2N`. */
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** The parsed form of `scrypt$<log2N>$<r>$<p>$<salt b64>$<hash b64>`. */
interface Encoded {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const ENCODED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

/**
 * Password hashing with scrypt (node:crypto, async so the event loop keeps serving). A stored
 * hash describes its own parameters, so the cost can be raised later: {@link needsRehash} tells
 * the login path to re-hash with the current cost once the password is known again.
 */
export class PasswordHasher {
  /** A hash of a random password, verified against when no account matches, to even out timing. */
  private dummy: Promise<string> | null = null;

  /** @param log2N - scrypt cost as log2(N), 10..20 (`auth.scryptLog2N`; OWASP: 17). */
  constructor(readonly log2N: number) {
    if (!Number.isInteger(log2N) || log2N < 10 || log2N > 20) {
      throw new RangeError(`scrypt log2N must be an integer in 10..20, got ${log2N}.`);
    }
  }

  /** Hashes `password` with a fresh salt at the current cost. Does not check the policy. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const hash = await derive(password, salt, this.log2N, BLOCK_SIZE, PARALLELISM, KEY_BYTES);
    return [
      'scrypt',
      this.log2N,
      BLOCK_SIZE,
      PARALLELISM,
      salt.toString('base64'),
      hash.toString('base64'),
    ].join('$');
  }

  /** True when `password` matches `encoded` (compared in constant time); false for junk hashes. */
  async verify(password: string, encoded: string): Promise<boolean> {
    const parsed = parse(encoded);
    if (!parsed) return false;
    const actual = await derive(
      password,
      parsed.salt,
      parsed.log2N,
      parsed.r,
      parsed.p,
      parsed.hash.length,
    );
    return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
  }

  /** Spends the time of one verification; used when there is no account, so timing says nothing. */
  async verifyNothing(password: string): Promise<void> {
    this.dummy ??= this.hash(randomBytes(24).toString('base64'));
    await this.verify(password, await this.dummy);
  }

  /** True when `encoded` was made with other parameters than the current ones (or is junk). */
  needsRehash(encoded: string): boolean {
    const parsed = parse(encoded);
    return (
      !parsed ||
      parsed.log2N !== this.log2N ||
      parsed.r !== BLOCK_SIZE ||
      parsed.p !== PARALLELISM ||
      parsed.hash.length !== KEY_BYTES
    );
  }
}

/** Reads the cost of a stored hash (log2 N), or null when it is not a scrypt hash of ours. */
export function hashCost(encoded: string): number | null {
  return parse(encoded)?.log2N ?? null;
}

/**
 * Throws a 400 `AUTH_PASSWORD_POLICY` unless `password` is 10–200 characters. Length is what
 * matters (NIST SP 800-63B); composition rules are not imposed.
 */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new InputError(
      `The ${field} must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long ` +
        `(it has ${length}). A passphrase of several words is easy to remember and hard to guess.`,
      { field, minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH },
      'AUTH_PASSWORD_POLICY',
    );
  }
}

const GENERATED_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random 20-character password (about 116 bits), for accounts created without one. */
export function generatePassword(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)];
  return out;
}

function parse(encoded: string): Encoded | null {
  const match = ENCODED.exec(encoded);
  if (!match) return null;
  const [log2N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Bounds keep a tampered row from making one verification take minutes or gigabytes.
  if (log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(match[4]!, 'base64');
  const hash = Buffer.from(match[5]!, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { log2N, r, p, salt, hash };
}

function derive(
  password: string,
  salt: Buffer,
  log2N: number,
  r: number,
  p: number,
  keyLength: number,
): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs 128·N·r·p bytes; node's default cap (32 MiB) is below OWASP's 128 MiB.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 32 * 1024 * 1024 };
  // NFKC so the same passphrase typed on another keyboard or OS still matches.
  const input = Buffer.from(password.normalize('NFKC'), 'utf8');
  return new Promise((resolve, reject) => {
    scrypt(input, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
