import { expect } from 'chai';
import { createLogger } from '../logger.js';
import { FaultTracker, HookTapError } from './fault-tracker.js';

describe('FaultTracker', () => {
  let quarantined: { id: string; reason: string }[];
  const tracker = (threshold: number, windowMs = 60_000) =>
    new FaultTracker(createLogger('silent'), { threshold, windowMs }, (id, reason) =>
      quarantined.push({ id, reason }),
    );
  const error = (plugin: string, message = 'boom') =>
    new HookTapError('routing.select', plugin, 'error', new Error(message));
  const timeout = (plugin: string) =>
    new HookTapError('routing.select', plugin, 'timeout', undefined);

  beforeEach(() => {
    quarantined = [];
  });

  it('counts errors and timeouts per plugin, keeping the last fault', () => {
    const faults = tracker(100);
    faults.record(error('a'));
    faults.record(timeout('a'));
    faults.record(error('b', 'other'));
    const stats = faults.statsOf('a');
    expect(stats).to.include({ errors: 1, timeouts: 1 });
    expect(stats.lastFault).to.include({
      hook: 'routing.select',
      kind: 'timeout',
      message: 'Plugin "a" overran the time budget of hook routing.select',
    });
    expect(faults.statsOf('b')).to.include({ errors: 1, timeouts: 0 });
    expect(faults.statsOf('quiet')).to.deep.equal({ errors: 0, timeouts: 0, lastFault: null });
  });

  it('quarantines a plugin once, when its faults reach the threshold, naming it and the fix', () => {
    const faults = tracker(3);
    faults.record(error('a'));
    faults.record(error('b'));
    faults.record(timeout('a'));
    expect(quarantined).to.deep.equal([]);
    faults.record(error('a', 'third strike'));
    faults.record(error('a'));
    expect(quarantined).to.have.length(1);
    expect(quarantined[0]!.id).to.equal('a');
    expect(quarantined[0]!.reason).to.equal(
      '3 faults within 60 s; last: Plugin "a" threw in hook routing.select: third strike. ' +
        'Fix the plugin, then re-enable it with PUT /api/v1/plugins/a/state {"enabled":true}.',
    );
  });

  it('forgets faults older than the window', async () => {
    const faults = tracker(2, 20);
    faults.record(error('a'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    faults.record(error('a'));
    expect(quarantined).to.deep.equal([]);
    faults.record(error('a'));
    expect(quarantined.map((q) => q.id)).to.deep.equal(['a']);
  });

  it('can quarantine a plugin again after a reset, counting from zero', () => {
    const faults = tracker(2);
    faults.record(error('a'));
    faults.record(error('a'));
    faults.reset('a');
    faults.record(error('a'));
    expect(quarantined).to.have.length(1);
    faults.record(error('a'));
    expect(quarantined).to.have.length(2);
    expect(faults.statsOf('a').errors).to.equal(4);
  });
});
