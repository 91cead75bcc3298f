import type { create } from 'xmlbuilder2';

/** A node of an xmlbuilder2 document. */
export type XMLBuilder = ReturnType<typeof create>;

/**
 * xmlbuilder2 (about 160 modules) loads on the first XML export, not at start: most servers
 * never write XML, and every server starts.
 */
let builder: Promise<typeof create> | null = null;

/** Content type of every XML answer. */
export const XML_TYPE = 'application/xml; charset=utf-8';

/**
 * A new XML 1.0 document. xmlbuilder2 escapes `<`, `&`, quotes and `]]>` in text and attribute
 * values; characters XML 1.0 cannot carry at all (NUL, most C0 controls, lone surrogates) are
 * replaced with U+FFFD, so whatever a visitor typed the output stays well-formed.
 */
export async function xmlDocument(root: string): Promise<XMLBuilder> {
  builder ??= import('xmlbuilder2').then((m) => m.create);
  const create = await builder;
  return create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele(root);
}

/** The document as text, indented. */
export function xmlText(root: XMLBuilder): string {
  return root.doc().end({ prettyPrint: true });
}

/** Sets attributes, leaving out null and undefined values. */
export function attrs(
  node: XMLBuilder,
  values: Record<string, string | number | boolean | null | undefined>,
): XMLBuilder {
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined) node.att(name, String(value));
  }
  return node;
}

/** Epoch ms as ISO 8601 (UTC), or null. */
export function isoTime(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || !Number.isFinite(ms)
    ? null
    : new Date(ms).toISOString();
}
