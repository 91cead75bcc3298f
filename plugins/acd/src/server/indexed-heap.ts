/**
 * A binary min-heap whose items know their position, so an item whose key changed moves in
 * O(log n) and any item can be removed. `before(a, b)` is true when `a` ranks ahead of `b`.
 */
export class IndexedHeap<T> {
  private readonly items: T[] = [];
  private readonly position = new Map<T, number>();

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.position.has(item);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.position.set(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  /** Restores the order after `item`'s key changed. */
  update(item: T): void {
    const i = this.position.get(item);
    if (i === undefined) return;
    this.up(i);
    this.down(this.position.get(item)!);
  }

  remove(item: T): void {
    const i = this.position.get(item);
    if (i === undefined) return;
    const last = this.items.pop()!;
    this.position.delete(item);
    if (i === this.items.length) return;
    this.items[i] = last;
    this.position.set(last, i);
    this.up(i);
    this.down(this.position.get(last)!);
  }

  /**
   * The best items in order, skipping those `skip` rejects, without changing the heap: a
   * best-first walk over the tree, O(k²) for k results. Stops after `limit` results.
   */
  best(limit: number, skip?: (item: T) => boolean): T[] {
    const out: T[] = [];
    if (this.items.length === 0) return out;
    const frontier: number[] = [0];
    while (frontier.length > 0 && out.length < limit) {
      let pick = 0;
      for (let j = 1; j < frontier.length; j++) {
        if (this.before(this.items[frontier[j]!]!, this.items[frontier[pick]!]!)) pick = j;
      }
      const i = frontier[pick]!;
      frontier[pick] = frontier[frontier.length - 1]!;
      frontier.pop();
      const item = this.items[i]!;
      if (!skip?.(item)) out.push(item);
      const left = 2 * i + 1;
      if (left < this.items.length) frontier.push(left);
      if (left + 1 < this.items.length) frontier.push(left + 1);
    }
    return out;
  }

  /** Every item, in no particular order. */
  all(): readonly T[] {
    return this.items;
  }

  private up(i: number): void {
    const item = this.items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = this.items[parent]!;
      if (!this.before(item, p)) break;
      this.items[i] = p;
      this.position.set(p, i);
      i = parent;
    }
    this.items[i] = item;
    this.position.set(item, i);
  }

  private down(i: number): void {
    const n = this.items.length;
    const item = this.items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(this.items[right]!, this.items[left]!) ? right : left;
      const c = this.items[child]!;
      if (!this.before(c, item)) break;
      this.items[i] = c;
      this.position.set(c, i);
      i = child;
    }
    this.items[i] = item;
    this.position.set(item, i);
  }
}
