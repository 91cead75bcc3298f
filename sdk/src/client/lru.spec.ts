import { expect } from 'chai';
import { LruMap, LruSet } from './lru.js';

describe('LruSet', () => {
  it('tells a new key from one already added', () => {
    const seen = new LruSet<string>(10);
    expect(seen.add('m1')).to.equal(true);
    expect(seen.add('m1')).to.equal(false);
    expect(seen.has('m1')).to.equal(true);
    expect(seen.has('m2')).to.equal(false);
  });

  it('forgets the oldest key once past its capacity', () => {
    const seen = new LruSet<string>(3);
    for (const id of ['a', 'b', 'c', 'd']) seen.add(id);
    expect(seen.size).to.equal(3);
    expect(seen.has('a')).to.equal(false);
    expect(['b', 'c', 'd'].every((id) => seen.has(id))).to.equal(true);
  });

  it('keeps a key that is seen again, as the most recent', () => {
    const seen = new LruSet<string>(3);
    for (const id of ['a', 'b', 'c']) seen.add(id);
    seen.add('a');
    seen.add('d');
    expect(seen.has('a')).to.equal(true);
    expect(seen.has('b')).to.equal(false);
  });

  it('stays bounded over a long stream of ids', () => {
    const seen = new LruSet<number>(100);
    for (let i = 0; i < 10_000; i++) seen.add(i);
    expect(seen.size).to.equal(100);
    expect(seen.has(9_999)).to.equal(true);
    expect(seen.has(9_899)).to.equal(false);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruSet(0)).to.throw(RangeError);
  });
});

describe('LruMap', () => {
  it('keeps the most recently written entries, oldest first', () => {
    const seqs = new LruMap<string, number>(2);
    seqs.set('c1', 1);
    seqs.set('c2', 5);
    seqs.set('c1', 2);
    seqs.set('c3', 7);
    expect([...seqs]).to.deep.equal([
      ['c1', 2],
      ['c3', 7],
    ]);
    expect(seqs.get('c2')).to.equal(undefined);
  });

  it('deletes an entry', () => {
    const seqs = new LruMap<string, number>(2);
    seqs.set('c1', 1);
    expect(seqs.delete('c1')).to.equal(true);
    expect(seqs.size).to.equal(0);
  });
});
