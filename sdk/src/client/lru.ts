/**
 * A set that keeps the `capacity` most recently added keys and forgets the oldest: remembers
 * which message ids were already delivered without growing for ever.
 * @public
 */
export class LruSet<K> {
  private readonly keys = new Map<K, true>();

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('LruSet capacity must be at least 1.');
  }

  get size(): number {
    return this.keys.size;
  }

  has(key: K): boolean {
    return this.keys.has(key);
  }

  /** Adds `key` (or refreshes it); true when it was not there yet. */
  add(key: K): boolean {
    const fresh = !this.keys.delete(key);
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value as K);
    return fresh;
  }

  clear(): void {
    this.keys.clear();
  }
}

/**
 * A map that keeps the `capacity` most recently written entries: the last seq seen per
 * conversation, of which only the most recent ones are worth resuming.
 * @public
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('LruMap capacity must be at least 1.');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Writes `key` as the most recent entry, dropping the oldest beyond capacity. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity)
      this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Entries, oldest first. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries.entries();
  }
}
