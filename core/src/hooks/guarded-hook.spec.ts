import { expect } from 'chai';
import { HookStage, type Disposable } from '@switchboard/sdk';
import { HookTapError } from './fault-tracker.js';
import { GuardedHook, KeyedGuardedHooks, type GuardEnv, type HookKind } from './guarded-hook.js';
import { Watchdog } from './watchdog.js';

const BUDGET_MS = 40;

describe('GuardedHook', () => {
  let watchdog: Watchdog;
  let faults: HookTapError[];
  let env: GuardEnv;
  // Like the catalogue's hooks, each is called with exactly the arguments it declares.
  const hook = <TArgs extends unknown[] = [unknown], TResult = unknown>(
    kind: HookKind,
    argNames: string[] = ['value'],
  ) => new GuardedHook<TArgs, TResult>(`test.${kind}`, kind, argNames, BUDGET_MS, env);
  const keep = (d: Disposable) => d;

  beforeEach(() => {
    watchdog = new Watchdog();
    faults = [];
    env = { watchdog, fault: (error) => faults.push(error) };
  });
  afterEach(() => watchdog.stop());

  describe('of kind series', () => {
    it('runs every tap in stage order, then registration order, and resolves undefined', async () => {
      const series = hook<[string[]], void>('series');
      series.facade('late', keep).tap((trail: string[]) => void trail.push('late'), {
        stage: HookStage.LATE,
      });
      series.facade('one', keep).tap(async (trail: string[]) => void trail.push('one'));
      series.facade('two', keep).tap((trail: string[]) => void trail.push('two'));
      series.facade('first', keep).tap((trail: string[]) => void trail.push('first'), {
        stage: HookStage.FIRST,
      });
      const trail: string[] = [];
      expect(await series.call(trail)).to.equal(undefined);
      expect(trail).to.deep.equal(['first', 'one', 'two', 'late']);
      expect(series.tappedBy()).to.deep.equal(['first', 'one', 'two', 'late']);
    });

    it('resolves undefined without taps', async () => {
      expect(await hook('series').call('anything')).to.equal(undefined);
    });
  });

  describe('of kind bail', () => {
    it('answers with the first tap that returns a value, and runs no later tap', async () => {
      const bail = hook<[string[]], string | undefined>('bail');
      bail.facade('pass', keep).tap((trail: string[]) => void trail.push('pass'));
      bail.facade('decide', keep).tap(async (trail: string[]) => {
        trail.push('decide');
        return 'decided';
      });
      bail.facade('never', keep).tap((trail: string[]) => {
        trail.push('never');
        return 'too late';
      });
      const trail: string[] = [];
      expect(await bail.call(trail)).to.equal('decided');
      expect(trail).to.deep.equal(['pass', 'decide']);
    });

    it('answers undefined when every tap passes, or when nobody tapped', async () => {
      const bail = hook('bail');
      expect(await bail.call('request')).to.equal(undefined);
      bail.facade('pass', keep).tap(() => undefined);
      expect(await bail.call('request')).to.equal(undefined);
    });
  });

  describe('of kind waterfall', () => {
    it('hands each tap the value the previous one returned, with the other arguments unchanged', async () => {
      const waterfall = hook<[number, string], number>('waterfall', ['n', 'extra']);
      waterfall.facade('add', keep).tap((n: number) => n + 1);
      waterfall.facade('double', keep).tap(async (n: number, extra: string) => {
        expect(extra).to.equal('context');
        return n * 2;
      });
      expect(await waterfall.call(1, 'context')).to.equal(4);
    });

    it('answers its first argument when nobody tapped', async () => {
      const waterfall = hook<[string, string]>('waterfall', ['value', 'extra']);
      expect(await waterfall.call('unchanged', 'context')).to.equal('unchanged');
    });
  });

  describe('guarding each tap', () => {
    const boom = () => {
      throw new Error('boom');
    };

    it('reports a tap that throws as an error fault of its plugin, and goes on without it', async () => {
      const bail = hook('bail');
      bail.facade('broken', keep).tap(boom);
      bail.facade('fine', keep).tap(() => 'fine');
      expect(await bail.call('request')).to.equal('fine');
      expect(faults).to.have.length(1);
      expect(faults[0]).to.be.instanceOf(HookTapError);
      expect(faults[0]).to.include({ hook: 'test.bail', pluginId: 'broken', kind: 'error' });
      expect(faults[0]!.message).to.equal('Plugin "broken" threw in hook test.bail: boom');
      expect((faults[0]!.cause as Error).message).to.equal('boom');
    });

    it('keeps the waterfall value a throwing or rejecting tap was given', async () => {
      const waterfall = hook('waterfall');
      waterfall.facade('upper', keep).tap((s: string) => s.toUpperCase());
      waterfall.facade('broken', keep).tap(boom);
      waterfall.facade('rejecting', keep).tap(() => Promise.reject(new Error('no')));
      waterfall.facade('exclaim', keep).tap((s: string) => `${s}!`);
      expect(await waterfall.call('hi')).to.equal('HI!');
      expect(faults.map((f) => f.pluginId)).to.deep.equal(['broken', 'rejecting']);
    });

    it('reports a tap that overruns the budget as a timeout, and goes on without it', async () => {
      const series = hook<[string[]], void>('series');
      series.facade('stuck', keep).tap(() => new Promise(() => {}));
      series.facade('after', keep).tap((trail: string[]) => void trail.push('after'));
      const trail: string[] = [];
      const started = Date.now();
      await series.call(trail);
      expect(Date.now() - started).to.be.at.least(BUDGET_MS - 5);
      expect(trail).to.deep.equal(['after']);
      expect(faults.map((f) => [f.pluginId, f.kind])).to.deep.equal([['stuck', 'timeout']]);
      expect(faults[0]!.message).to.equal(
        'Plugin "stuck" overran the time budget of hook test.series',
      );
    });

    it('ignores what a timed-out tap settles with later', async () => {
      const waterfall = hook('waterfall');
      let settle: (value: string) => void = () => {};
      waterfall
        .facade('slow', keep)
        .tap(() => new Promise<string>((resolve) => (settle = resolve)));
      expect(await waterfall.call('kept')).to.equal('kept');
      settle('too late');
      await new Promise((resolve) => setTimeout(resolve, BUDGET_MS));
      expect(faults).to.have.length(1);
    });

    it('refuses to tap a non-function, naming the plugin and the hook', () => {
      const series = hook('series');
      expect(() => series.facade('careless', keep).tap('nope' as never)).to.throw(
        TypeError,
        'Plugin "careless" tapped test.series with a non-function.',
      );
      expect(series.isUsed()).to.equal(false);
    });
  });

  describe('untapping', () => {
    it('removes a tap when its disposable is disposed, through the tracker it was given', async () => {
      const waterfall = hook('waterfall');
      const tracked: Disposable[] = [];
      const facade = waterfall.facade('plugin', (d) => {
        tracked.push(d);
        return d;
      });
      const tap = facade.tap((n: number) => n + 1);
      expect(tracked).to.have.length(1);
      expect(facade.isUsed()).to.equal(true);
      expect(await waterfall.call(1)).to.equal(2);
      tap.dispose();
      expect(waterfall.isUsed()).to.equal(false);
      expect(await waterfall.call(1)).to.equal(1);
    });

    it('removes only the disposed tap of a plugin that tapped twice', async () => {
      const waterfall = hook('waterfall');
      const facade = waterfall.facade('plugin', keep);
      facade.tap((s: string) => `${s}a`);
      const second = facade.tap((s: string) => `${s}b`);
      second.dispose();
      expect(await waterfall.call('')).to.equal('a');
    });
  });

  describe('activation before the next call', () => {
    it('runs the activation once, before the call, so taps it adds answer that call', async () => {
      const bail = hook('bail');
      let activations = 0;
      bail.activateBeforeNextCall(async () => {
        activations++;
        bail.facade('lazy', keep).tap(() => 'lazy answer');
      });
      expect(await bail.call('request')).to.equal('lazy answer');
      expect(await bail.call('request')).to.equal('lazy answer');
      expect(activations).to.equal(1);
    });

    it('runs every armed activation, in the order armed', async () => {
      const series = hook('series');
      const order: string[] = [];
      series.activateBeforeNextCall(async () => void order.push('first'));
      series.activateBeforeNextCall(async () => void order.push('second'));
      await series.call('event');
      expect(order).to.deep.equal(['first', 'second']);
    });
  });
});

describe('KeyedGuardedHooks', () => {
  it('creates one hook per key on first use and keeps it', () => {
    const watchdog = new Watchdog();
    const env: GuardEnv = { watchdog, fault: () => {} };
    const keyed = new KeyedGuardedHooks(
      (key) => new GuardedHook(`ui.slot[${key}]`, 'waterfall', ['list'], BUDGET_MS, env),
    );
    const sidebar = keyed.for('conversation.sidebar');
    expect(keyed.for('conversation.sidebar')).to.equal(sidebar);
    expect(sidebar.name).to.equal('ui.slot[conversation.sidebar]');
    keyed
      .for('console.nav')
      .facade('p', (d) => d)
      .tap((list: unknown) => list);
    expect(keyed.keys()).to.deep.equal(['conversation.sidebar', 'console.nav']);
    expect(keyed.for('console.nav').isUsed()).to.equal(true);
    expect(sidebar.isUsed()).to.equal(false);
    watchdog.stop();
  });
});
