import { expect } from 'chai';
import { simulate, type SimOptions } from '../src/sim/simulate.js';

/** The load simulator: the plugin's own routing code on a virtual clock and an in-memory store. */
describe('ACD load simulator', function () {
  this.timeout(60_000);
  const day: SimOptions = {
    agents: 20,
    capacity: 1,
    arrivalsPerMin: 5,
    handleTimeS: 180,
    minutes: 480,
    seed: 1,
    slThresholdS: 20,
  };

  it('gives the figures the kernel-driven simulation gave for the same seed, in well under a minute', () => {
    const r = simulate(day);
    // Measured end to end (HTTP, kernel, sqlite, ACD plugin) before the in-memory simulator.
    expect(r.arrivals).to.equal(2477);
    expect(r.answered).to.equal(2477);
    expect(r.decisions).to.equal(2477);
    expect(r.serviceLevel).to.be.closeTo(0.853, 0.0005);
    expect(r.averageSpeedOfAnswerS).to.be.closeTo(9.8, 0.05);
    expect(r.occupancy).to.be.closeTo(0.777, 0.0005);
    expect(r.offeredLoadErlangs).to.equal(15);
    expect(r.wallSeconds).to.be.below(30);
  });

  it('is reproducible: one seed, one day', () => {
    const a = simulate({ ...day, patienceS: 120, seed: 7 });
    const b = simulate({ ...day, patienceS: 120, seed: 7 });
    expect({ ...a, wallSeconds: 0 }).to.deep.equal({ ...b, wallSeconds: 0 });
    expect(a.abandoned).to.be.greaterThan(0);
    expect(a.answered + a.abandoned + a.stillWaiting).to.equal(a.arrivals);
  });

  it('converges to Erlang C over a long M/M/N run', () => {
    const r = simulate({ ...day, minutes: 20 * 480, seed: 3 });
    expect(r.serviceLevel).to.be.closeTo(r.erlangC.serviceLevel!, 0.03);
    expect(r.averageSpeedOfAnswerS).to.be.closeTo(r.erlangC.averageSpeedOfAnswerS!, 2);
    expect(r.occupancy).to.be.closeTo(r.erlangC.occupancy!, 0.02);
  });

  it('never gives an agent more chats than their capacity, and leaves none waiting while one is free', () => {
    const r = simulate({
      ...day,
      agents: 5,
      capacity: 3,
      arrivalsPerMin: 6,
      minutes: 240,
      seed: 5,
    });
    // 15 slots, 18 Erlangs offered: everyone busy, the queue grows, every slot stays in use.
    expect(r.servers).to.equal(15);
    expect(r.occupancy).to.be.above(0.95);
    expect(r.occupancy).to.be.at.most(1);
    expect(r.stillWaiting).to.be.greaterThan(0);
  });
});
