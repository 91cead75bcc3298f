/**
 * The REST calls the chat benchmark prepares its load with (over keep-alive HTTP): the embed
 * key, visitor sessions, agents and their sign-in, conversations and picks. Each step runs many
 * requests concurrently, so thousands of sessions take seconds, not minutes.
 */
import { Agent, request } from 'node:http';

export interface Answer {
  readonly status: number;
  readonly body: any;
}

/** A JSON client of one server. */
export class Rest {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly baseUrl: string) {}

  call(method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // Not JSON: keep the text for the error message.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      req.end(payload);
    });
  }

  /** Like `call`, but throws unless the status is `expected`. */
  async expect(
    expected: number,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<any> {
    const answer = await this.call(method, path, body, token);
    if (answer.status !== expected) {
      throw new Error(
        `${method} ${path} answered ${answer.status}, expected ${expected}: ${JSON.stringify(answer.body)}`,
      );
    }
    return answer.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `fn(i)` for i in [0, count) with at most `concurrency` at a time; results in order. */
export async function inParallel<T>(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** The default site's embed key, read with the operator token. */
export async function defaultEmbedKey(rest: Rest, adminToken: string): Promise<string> {
  const body = await rest.expect(
    200,
    'GET',
    '/api/v1/sites?tenantId=default',
    undefined,
    adminToken,
  );
  const key = body?.sites?.[0]?.embedKey as string | undefined;
  if (!key)
    throw new Error(`The default tenant has no site with an embed key: ${JSON.stringify(body)}`);
  return key;
}

export interface VisitorSession {
  readonly token: string;
  readonly visitorId: string;
}

/** `count` new visitor sessions on the site of `embedKey`. */
export function createVisitors(
  rest: Rest,
  embedKey: string,
  count: number,
  concurrency = 32,
): Promise<VisitorSession[]> {
  return inParallel(count, concurrency, async () => {
    const body = await rest.expect(201, 'POST', '/api/v1/visitor/session', { embedKey });
    return { token: body.token as string, visitorId: body.visitor.id as string };
  });
}

export interface AgentAccount {
  readonly userId: string;
  readonly token: string;
}

/** `count` agents of the default tenant, signed in (one token each) and online. */
export function createAgents(
  rest: Rest,
  adminToken: string,
  count: number,
  prefix: string,
  capacity: number,
): Promise<AgentAccount[]> {
  return inParallel(count, 8, async (i) => {
    const email = `${prefix}-${i}@bench.example`;
    const password = `bench-password-${i}`;
    const user = await rest.expect(
      201,
      'POST',
      '/api/v1/users',
      {
        tenantId: 'default',
        email,
        name: `Bench agent ${i}`,
        role: 'agent',
        password,
        capacity,
      },
      adminToken,
    );
    const signedIn = await rest.expect(200, 'POST', '/api/v1/auth/login', { email, password });
    // Chats are only queued while some agent is online.
    await rest.expect(200, 'POST', '/api/v1/presence', { presence: 'online' }, signedIn.token);
    return { userId: user.id as string, token: signedIn.token as string };
  });
}

/** The visitor asks for a chat; answers the (waiting) conversation's id. */
export async function requestChat(rest: Rest, visitorToken: string): Promise<string> {
  const body = await rest.expect(201, 'POST', '/api/v1/conversations', {}, visitorToken);
  const id = body?.conversation?.id as string | undefined;
  if (!id) throw new Error(`conversation.request did not queue a chat: ${JSON.stringify(body)}`);
  return id;
}

/** The agent a conversation is assigned to (read with the operator token), or null. */
export async function assignedAgent(
  rest: Rest,
  adminToken: string,
  conversationId: string,
): Promise<string | null> {
  const body = await rest.expect(
    200,
    'GET',
    `/api/v1/conversations/${conversationId}`,
    undefined,
    adminToken,
  );
  return (body?.assignedAgentId as string | null | undefined) ?? null;
}

/** The agent takes the waiting conversation; false when someone (the ACD) was faster. */
export async function pick(
  rest: Rest,
  agentToken: string,
  conversationId: string,
): Promise<boolean> {
  const answer = await rest.call(
    'POST',
    `/api/v1/conversations/${conversationId}/pick`,
    {},
    agentToken,
  );
  if (answer.status === 200) return true;
  if (answer.status === 409) return false;
  throw new Error(
    `pick ${conversationId} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
  );
}
