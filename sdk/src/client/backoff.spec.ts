import { expect } from 'chai';
import fc from 'fast-check';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const options = { minDelayMs: 100, maxDelayMs: 10_000 };

  it('waits between the minimum and twice the minimum before the first retry', () => {
    expect(backoffDelay(0, options, () => 0)).to.equal(100);
    expect(backoffDelay(0, options, () => 0.999999)).to.equal(200);
  });

  it('doubles the range with each attempt', () => {
    const lows = [0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, () => 0));
    const highs = [0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, () => 0.999999));
    expect(lows).to.deep.equal([100, 200, 400, 800]);
    expect(highs).to.deep.equal([200, 400, 800, 1600]);
  });

  it('never goes past the maximum, even after very many attempts', () => {
    expect(backoffDelay(1000, options, () => 0.999999)).to.equal(10_000);
    expect(backoffDelay(1000, options, () => 0)).to.equal(5000);
  });

  it('always falls within [minimum, maximum], jitter included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 120_000 }),
        (attempt, r, min, span) => {
          const bounds = { minDelayMs: min, maxDelayMs: min + span };
          const delay = backoffDelay(attempt, bounds, () => r);
          return delay >= min && delay <= min + span;
        },
      ),
    );
  });

  it('spreads clients that retry at the same attempt', () => {
    const delays = new Set(
      Array.from({ length: 50 }, (_, i) => backoffDelay(3, options, () => i / 50)),
    );
    expect(delays.size).to.be.greaterThan(40);
  });
});
