import { expect } from 'chai';
import fc from 'fast-check';
import type { RoutingTarget } from '@switchboard/sdk';
import { AgentIndex, matches, ranksBefore, type AgentEntry } from '../src/server/agent-index.js';
import { decide } from '../src/server/decide.js';
import { IndexedHeap } from '../src/server/indexed-heap.js';

/**
 * The in-memory routing index against a naive reference: a plain list of agents, scanned and
 * sorted in full for every question. Random operation sequences must never tell them apart.
 */

const SKILLS = ['billing', 'german', 'sales'];
const TARGETS: RoutingTarget[] = [
  { kind: 'any' },
  ...SKILLS.map((value): RoutingTarget => ({ kind: 'skill', value })),
  { kind: 'group', value: 'g1' },
];

interface Naive {
  agentId: string;
  load: number;
  capacity: number;
  since: number;
  skills: string[];
  groups: string[];
  departmentIds: string[];
}

const naiveOrder = (a: Naive, b: Naive) => {
  const l = a.load * b.capacity - b.load * a.capacity;
  if (l !== 0) return l;
  if (a.since !== b.since) return a.since - b.since;
  return a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0;
};

function naiveBest(agents: Map<string, Naive>, target: RoutingTarget, excluded: Set<string>) {
  return [...agents.values()]
    .filter((a) => a.load < a.capacity && matches(target, a) && !excluded.has(a.agentId))
    .sort(naiveOrder);
}

const agentArb = fc.record({
  id: fc.integer({ min: 0, max: 11 }),
  load: fc.integer({ min: 0, max: 4 }),
  capacity: fc.integer({ min: 0, max: 4 }),
  since: fc.integer({ min: 0, max: 5 }),
  skills: fc.subarray(SKILLS),
  group: fc.boolean(),
});

const opArb = fc.oneof(
  fc.record({ op: fc.constant('add' as const), agent: agentArb }),
  fc.record({ op: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 11 }) }),
  fc.record({ op: fc.constant('release' as const), id: fc.integer({ min: 0, max: 11 }) }),
  fc.record({ op: fc.constant('drop' as const), id: fc.integer({ min: 0, max: 11 }) }),
  fc.record({
    op: fc.constant('decide' as const),
    target: fc.integer({ min: 0, max: TARGETS.length - 1 }),
    excluded: fc.subarray([0, 1, 2, 3]),
    limit: fc.integer({ min: 1, max: 6 }),
  }),
);

const idOf = (n: number) => `a${String(n).padStart(2, '0')}`;

describe('ACD agent index (property tests against a naive reference)', () => {
  it('keeps a heap that pops items in the order of a full sort, through updates and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 })), {
          maxLength: 60,
        }),
        (ops) => {
          const heap = new IndexedHeap<{ key: number; id: number }>(
            (a, b) => a.key < b.key || (a.key === b.key && a.id < b.id),
          );
          const live = new Map<number, { key: number; id: number }>();
          ops.forEach(([key, kind], id) => {
            if (kind === 0 || live.size === 0) {
              const item = { key, id };
              live.set(id, item);
              heap.push(item);
            } else {
              const victim = [...live.values()][key % live.size]!;
              if (kind === 1) {
                live.delete(victim.id);
                heap.remove(victim);
              } else {
                victim.key = key;
                heap.update(victim);
              }
            }
          });
          const expected = [...live.values()].sort((a, b) => a.key - b.key || a.id - b.id);
          expect(heap.best(expected.length + 1)).to.deep.equal(expected);
          const popped: { key: number; id: number }[] = [];
          while (heap.size > 0) {
            const top = heap.peek()!;
            popped.push(top);
            heap.remove(top);
          }
          expect(popped).to.deep.equal(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('picks what a full scan would pick, through any sequence of joins, leaves, assignments and ended chats', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const index = new AgentIndex();
        const naive = new Map<string, Naive>();
        let now = 100;
        for (const step of ops) {
          now += 1;
          switch (step.op) {
            case 'add': {
              const a = step.agent;
              const entry: Naive = {
                agentId: idOf(a.id),
                load: a.load,
                capacity: a.capacity,
                since: a.since,
                skills: a.skills,
                groups: a.group ? ['g1'] : [],
                departmentIds: [],
              };
              index.add({ ...entry });
              if (entry.capacity > 0) naive.set(entry.agentId, entry);
              else naive.delete(entry.agentId);
              break;
            }
            case 'remove':
              index.remove(idOf(step.id));
              naive.delete(idOf(step.id));
              break;
            case 'release': {
              index.release(idOf(step.id), now);
              const a = naive.get(idOf(step.id));
              if (a) {
                a.load = Math.max(0, a.load - 1);
                a.since = now;
              }
              break;
            }
            case 'drop': {
              const entry = index.agents.get(idOf(step.id));
              if (entry) index.drop(entry);
              const a = naive.get(idOf(step.id));
              if (a) a.load = Math.max(a.load, a.capacity);
              break;
            }
            case 'decide': {
              const target = TARGETS[step.target]!;
              const excluded = new Set(step.excluded.map(idOf));
              const expected = naiveBest(naive, target, excluded);
              const decision = decide(
                index,
                { id: 'c', target, priority: 0, waitingSince: now, createdAt: now },
                excluded,
                { mode: 'auto', decisionCandidates: step.limit },
                now,
                'd',
              );
              if (expected.length === 0) {
                expect(decision).to.equal(null);
                break;
              }
              expect(decision, 'a decision').to.not.equal(null);
              expect(decision!.eligible).to.equal(expected.length);
              expect(decision!.candidates.map((c) => c.agentId)).to.deep.equal(
                expected.slice(0, step.limit).map((a) => a.agentId),
              );
              // The caller takes the slot; both sides do.
              index.took(index.byId.get(decision!.agentId)!, now);
              const won = naive.get(decision!.agentId)!;
              won.load += 1;
              won.since = now;
              break;
            }
          }
          // The agents with room are exactly the reference's.
          expect([...index.byId.keys()].sort()).to.deep.equal(
            [...naive.values()]
              .filter((a) => a.load < a.capacity)
              .map((a) => a.agentId)
              .sort(),
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('ranks by load/capacity ratio, then idle time, then agent id', () => {
    const entry = (agentId: string, load: number, capacity: number, since: number): AgentEntry => ({
      agentId,
      load,
      capacity,
      since,
      skills: [],
      groups: [],
      departmentIds: [],
    });
    expect(ranksBefore(entry('b', 1, 3, 9), entry('a', 1, 2, 0))).to.equal(true);
    expect(ranksBefore(entry('b', 1, 2, 0), entry('a', 2, 4, 5))).to.equal(true);
    expect(ranksBefore(entry('a', 1, 2, 5), entry('b', 2, 4, 5))).to.equal(true);
    expect(ranksBefore(entry('b', 1, 2, 5), entry('a', 2, 4, 5))).to.equal(false);
  });
});
