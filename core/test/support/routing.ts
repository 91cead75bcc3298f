import type { ConversationSnapshot, RoutingCandidate, RoutingRequest } from '@switchboard/sdk';

/** What fixtures/faulty does on a call: throw, throw a non-Error, reject, or never settle. */
export type Fault = 'throw' | 'throw-string' | 'reject' | 'hang';

/** A routing request fixture taps read (`fault`) and mark (`trail`, one plugin id per tap run). */
export interface ProbeRequest extends RoutingRequest {
  readonly fault?: Fault;
  readonly trail: string[];
}

const conversation: ConversationSnapshot = {
  id: 'c1',
  tenantId: 't1',
  siteId: 's1',
  visitorId: 'v1',
  state: 'waiting',
  assignedAgentId: null,
  offeredTo: null,
  offerExpiresAt: null,
  departmentId: null,
  target: { kind: 'any' },
  priority: 0,
  lastSeq: 0,
  lastAuthor: null,
  colour: 'red',
  waitingSince: 0,
  createdAt: 0,
  updatedAt: 0,
  endedAt: null,
};

/** A queued chat for the routing hooks; `fault` tells fixtures/faulty how to misbehave. */
export function routingRequest(fault?: Fault): ProbeRequest {
  return {
    conversation,
    target: { kind: 'any' },
    priority: 0,
    enqueuedAt: 0,
    excludedAgentIds: [],
    fault,
    trail: [],
  };
}

/** Idle agents with no scores yet. */
export function candidates(...agentIds: string[]): RoutingCandidate[] {
  return agentIds.map((agentId) => ({
    agentId,
    load: 0,
    capacity: 3,
    idleMs: 0,
    skills: [],
    groups: [],
    scores: {},
  }));
}
