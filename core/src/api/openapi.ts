import type { Operation } from './operation.js';

type Json = Record<string, unknown>;

/**
 * OpenAPI path items for every operation with an HTTP binding, derived from the same definitions
 * the server runs: path parameters from the route, query parameters (GET/DELETE) or a JSON body
 * from the input schema, and the permission in the description. `docs/openapi.json` merges these
 * with the hand-written kernel routes (`npm run docs:openapi`); a test keeps the file current.
 */
export function operationPaths(operations: readonly Operation[]): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const op of [...operations].sort((a, b) => a.name.localeCompare(b.name))) {
    const http = op.http;
    if (!http) continue;
    const params = [...http.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
    const path = http.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const schema = op.input as { properties?: Record<string, Json>; required?: string[] };
    const properties = { ...(schema.properties ?? {}) };
    const parameters: Json[] = params.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: properties[name] ?? { type: 'string' },
    }));
    for (const name of params) delete properties[name];
    const required = (schema.required ?? []).filter((r) => !params.includes(r));
    const fromQuery = http.method === 'GET' || http.method === 'DELETE';
    let requestBody: Json | undefined;
    if (fromQuery) {
      for (const [name, prop] of Object.entries(properties)) {
        parameters.push({ name, in: 'query', required: required.includes(name), schema: prop });
      }
    } else if (Object.keys(properties).length > 0) {
      requestBody = {
        required: required.length > 0,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: false,
              ...(required.length ? { required } : {}),
              properties,
            },
          },
        },
      };
    }
    const status = String(http.status ?? 200);
    const who = op.public
      ? 'No credentials needed.'
      : `Callers: ${(op.principals ?? ['user', 'system']).join(', ')}` +
        (op.permission ? `; permission \`${op.permission}\`.` : '; ownership is checked.');
    const item: Json = {
      operationId: op.name,
      summary: op.summary,
      description: `${who} Also a WebSocket frame of type \`${op.name}\`${op.httpOnly ? ' (HTTP only)' : ''}. See docs/protocol.md.`,
      tags: [op.name.split('.')[0]],
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      ...(op.public ? { security: [] } : {}),
      responses: {
        [status]: { description: status === '204' ? 'Done, no body.' : 'Success.' },
        default: { $ref: '#/components/responses/Error' },
      },
      'x-generated': true,
    };
    paths[path] = { ...(paths[path] ?? {}), [http.method.toLowerCase()]: item };
  }
  return paths;
}
