import type { ConsoleSession } from '../session.js';

/**
 * Downloads a file served behind the bearer token (attachments, transcripts): a plain link
 * cannot carry the Authorization header, so the file is fetched and handed to the browser as a
 * blob. The server always serves such files as attachments, never inline.
 */
export async function downloadWithToken(
  session: ConsoleSession,
  path: string,
  filename: string,
): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${session.token}` } });
  if (!res.ok) throw new Error(`Download failed (${res.status}).`);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
