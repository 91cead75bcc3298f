import { expect } from 'chai';
import { VirtualClock } from './virtual-clock.js';

describe('VirtualClock', () => {
  const START = Date.UTC(2026, 0, 1);

  it('starts at 2026-01-01 by default and moves only when told to', async () => {
    const clock = new VirtualClock();
    expect(clock.now()).to.equal(START);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clock.now()).to.equal(START);
    await clock.advance(1500);
    expect(clock.now()).to.equal(START + 1500);
  });

  it('fires timers in time order, then in creation order, each at its own time', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    const at = (name: string) => () => fired.push(`${name}@${clock.now()}`);
    clock.setTimeout(at('c'), 300);
    clock.setTimeout(at('a'), 100);
    clock.setTimeout(at('b1'), 200);
    clock.setTimeout(at('b2'), 200);
    await clock.advance(250);
    expect(fired).to.deep.equal(['a@100', 'b1@200', 'b2@200']);
    expect(clock.now()).to.equal(250);
    await clock.advance(50);
    expect(fired).to.deep.equal(['a@100', 'b1@200', 'b2@200', 'c@300']);
  });

  it('repeats an interval until it is disposed', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    const interval = clock.setInterval(() => fired.push(clock.now()), 1000);
    await clock.advance(3500);
    expect(fired).to.deep.equal([1000, 2000, 3000]);
    interval.dispose();
    await clock.advance(5000);
    expect(fired).to.have.length(3);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('cancels a timer that is disposed before it is due', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    const timer = clock.setTimeout(() => (fired = true), 100);
    expect(clock.pendingTimers).to.equal(1);
    timer.dispose();
    expect(clock.pendingTimers).to.equal(0);
    await clock.advance(1000);
    expect(fired).to.equal(false);
  });

  it('lets an interval cancel itself from its own callback', async () => {
    const clock = new VirtualClock(0);
    let runs = 0;
    const interval = clock.setInterval(() => {
      if (++runs === 2) interval.dispose();
    }, 10);
    await clock.advance(100);
    expect(runs).to.equal(2);
  });

  it('fires a timer scheduled by another timer when it falls due in the same advance', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      clock.setTimeout(() => fired.push(clock.now()), 50);
    }, 100);
    await clock.advance(200);
    expect(fired).to.deep.equal([150]);
  });

  it('lets async work started by a timer finish before the next timer fires', async () => {
    const clock = new VirtualClock(0);
    const events: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => events.push('first finished'));
    }, 10);
    clock.setTimeout(() => events.push('second fired'), 20);
    await clock.advance(20);
    expect(events).to.deep.equal(['first finished', 'second fired']);
  });

  it('resolves sleep once the clock reaches it', async () => {
    const clock = new VirtualClock(0);
    let woke = false;
    const sleeping = clock.sleep(500).then(() => (woke = true));
    await clock.advance(499);
    expect(woke).to.equal(false);
    await clock.advance(1);
    await sleeping;
    expect(woke).to.equal(true);
  });

  it('runs timers until idle, stopping at the limit for endless intervals', async () => {
    const clock = new VirtualClock(0);
    clock.setTimeout(() => {}, 100);
    clock.setTimeout(() => {}, 5000);
    expect(await clock.runUntilIdle()).to.equal(2);
    expect(clock.now()).to.equal(5000);
    clock.setInterval(() => {}, 1);
    expect(await clock.runUntilIdle(10)).to.equal(10);
  });

  it('never moves time backwards with advanceTo', async () => {
    const clock = new VirtualClock(1000);
    await clock.advanceTo(500);
    expect(clock.now()).to.equal(1000);
  });
});
