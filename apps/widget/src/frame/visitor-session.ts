import { SwitchboardClient, SwitchboardClientError } from '@switchboard/sdk/client';
import type { MeAnswer, SessionAnswer } from './api-types.js';

/** What the frame keeps per embed key in its own localStorage (the server's origin, not the site's). */
interface Stored {
  readonly token: string;
  readonly cookieId: string;
}

const LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

/** The frame's storage, or a map when the browser refuses storage (private mode, policies). */
function storage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  try {
    const store = window.localStorage;
    store.getItem('switchboard.probe');
    return store;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (k) => memory.get(k) ?? null,
      setItem: (k, v) => void memory.set(k, v),
      removeItem: (k) => void memory.delete(k),
    };
  }
}

/** A JSON request to our own server; rejects with the server's error code and status. */
export async function requestJson<T>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
    throw new SwitchboardClientError(
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? `${method} ${path} answered ${res.status}.`,
      undefined,
      res.status,
    );
  }
  return parsed as T;
}

/**
 * The visitor's session: the token kept in the frame's localStorage under the embed key, so it
 * survives the host page navigating (the loader makes a new frame on every page; this one finds
 * the token and carries on), and one {@link SwitchboardClient} on it.
 */
export class VisitorSession {
  private constructor(
    readonly token: string,
    readonly client: SwitchboardClient,
    readonly me: MeAnswer,
  ) {}

  /** Resumes the stored session when the server still knows its token, else starts one. */
  static async open(embedKey: string): Promise<VisitorSession> {
    const store = storage();
    const slot = `switchboard.visitor.${embedKey}`;
    let stored: Stored | null = null;
    try {
      stored = JSON.parse(store.getItem(slot) ?? 'null') as Stored | null;
    } catch {
      stored = null;
    }
    if (stored?.token) {
      try {
        const me = await requestJson<MeAnswer>('GET', '/api/v1/visitor', undefined, stored.token);
        return new VisitorSession(stored.token, VisitorSession.client(stored.token), me);
      } catch (error) {
        // An expired or revoked token: start again as the same visitor (cookie id).
        if (!(error instanceof SwitchboardClientError) || error.status !== 401) throw error;
      }
    }
    const language = navigator.language;
    const answer = await requestJson<SessionAnswer>('POST', '/api/v1/visitor/session', {
      embedKey,
      ...(stored?.cookieId && /^[A-Za-z0-9_-]{16,64}$/.test(stored.cookieId)
        ? { cookieId: stored.cookieId }
        : {}),
      ...(language && LANGUAGE.test(language) && language.length <= 35 ? { language } : {}),
    });
    store.setItem(slot, JSON.stringify({ token: answer.token, cookieId: answer.cookieId }));
    return new VisitorSession(answer.token, VisitorSession.client(answer.token), {
      visitor: answer.visitor,
      conversation: null,
    });
  }

  private static client(token: string): SwitchboardClient {
    return new SwitchboardClient({ url: location.origin, token });
  }

  /** A REST call with the visitor's token. */
  api<T>(method: string, path: string, body?: unknown): Promise<T> {
    return requestJson<T>(method, path, body, this.token);
  }
}
