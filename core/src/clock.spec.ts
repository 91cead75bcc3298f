import { expect } from 'chai';
import { DisposableCollection, VirtualClock } from '@switchboard/sdk';
import { ScopedClock, SystemClock } from './clock.js';

describe('ScopedClock', () => {
  let clock: VirtualClock;
  let owner: DisposableCollection;
  let scoped: ScopedClock;

  beforeEach(() => {
    clock = new VirtualClock(0);
    owner = new DisposableCollection();
    scoped = new ScopedClock(clock, owner);
  });

  it('tells the time of the clock it wraps', async () => {
    await clock.advance(42);
    expect(scoped.now()).to.equal(42);
  });

  it('cancels every timer of the plugin when its disposables are disposed', async () => {
    const fired: string[] = [];
    scoped.setTimeout(() => fired.push('timeout'), 100);
    scoped.setInterval(() => fired.push('interval'), 50);
    owner.dispose();
    expect(clock.pendingTimers).to.equal(0);
    await clock.advance(1000);
    expect(fired).to.deep.equal([]);
  });

  it('drops a timeout from the plugin’s disposables once it has fired', async () => {
    let fired = 0;
    for (let i = 0; i < 10; i++) scoped.setTimeout(() => fired++, 10);
    expect(owner.size).to.equal(10);
    await clock.advance(10);
    expect(fired).to.equal(10);
    expect(owner.size).to.equal(0);
  });

  it('keeps an interval tracked until it is disposed, and the handle cancels just that timer', async () => {
    const fired: string[] = [];
    const interval = scoped.setInterval(() => fired.push('interval'), 10);
    scoped.setTimeout(() => fired.push('timeout'), 25);
    await clock.advance(20);
    expect(owner.size).to.equal(2);
    interval.dispose();
    expect(owner.size).to.equal(1);
    await clock.advance(10);
    expect(fired).to.deep.equal(['interval', 'interval', 'timeout']);
  });

  it('never fires a timer set after the plugin was stopped', async () => {
    owner.dispose();
    let fired = false;
    scoped.setTimeout(() => (fired = true), 10);
    scoped.setInterval(() => (fired = true), 10);
    await clock.advance(100);
    expect(fired).to.equal(false);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('sleeps on the wrapped clock', async () => {
    let woke = false;
    const sleeping = scoped.sleep(100).then(() => (woke = true));
    await clock.advance(100);
    await sleeping;
    expect(woke).to.equal(true);
    expect(owner.size).to.equal(0);
  });
});

describe('SystemClock', () => {
  const clock = new SystemClock();

  it('tells wall-clock time', () => {
    const before = Date.now();
    expect(clock.now()).to.be.within(before, Date.now());
  });

  it('fires a timeout, and a disposed one never', async () => {
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('kept'), 1);
    clock.setTimeout(() => fired.push('cancelled'), 1).dispose();
    await clock.sleep(20);
    expect(fired).to.deep.equal(['kept']);
  });

  it('repeats an interval until disposed', async () => {
    let runs = 0;
    const interval = clock.setInterval(() => runs++, 1);
    await clock.sleep(30);
    interval.dispose();
    const seen = runs;
    await clock.sleep(20);
    expect(seen).to.be.greaterThan(1);
    expect(runs).to.equal(seen);
  });
});
