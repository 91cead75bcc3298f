/** True when `error` is a unique-constraint violation, on sqlite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.code === '23505') return true;
  return (
    (e.code === 'SQLITE_CONSTRAINT' || e.errno === 19) &&
    typeof e.message === 'string' &&
    /UNIQUE|PRIMARY KEY/i.test(e.message)
  );
}
