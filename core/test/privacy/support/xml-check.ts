// A strict XML 1.0 well-formedness check (no DTDs), for asserting on exported documents: the
// parser of xmlbuilder2 is lenient (it repairs unclosed tags), so it cannot judge its own output.

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*$/;
const REFERENCE = /^&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
// Characters XML 1.0 allows: tab, LF, CR, and the ranges below (surrogate pairs are checked whole).
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** An element of the checked document: name, attributes, children and text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

/** Parses `xml`, throwing with a position on the first well-formedness error. */
export function parseStrictXml(xml: string): XmlElement {
  if (INVALID_CHAR.test(xml)) throw new Error('character not allowed in XML 1.0');
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) fail('CDATA outside the root element');
      const end = xml.indexOf(']]>', i);
      if (end < 0) fail('unterminated CDATA');
      stack[stack.length - 1]!.text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i);
      if (end < 0) fail('unterminated processing instruction');
      i = end + 2;
    } else if (xml.startsWith('<!', i)) {
      fail('DTD or unknown markup');
    } else if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i);
      if (end < 0) fail('unterminated end tag');
      const name = xml.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`end tag </${name}> does not match`);
      i = end + 1;
    } else if (xml[i] === '<') {
      i++;
      const nameMatch = /^[^\s/>]+/.exec(xml.slice(i));
      if (!nameMatch || !NAME.test(nameMatch[0])) fail('bad element name');
      const element: XmlElement = {
        name: nameMatch![0],
        attributes: {},
        children: [],
        text: '',
      };
      i += element.name.length;
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(i))![0];
        i += ws.length;
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        if (ws.length === 0) fail('attributes must be separated by white space');
        const attr = /^([^\s=/>]+)\s*=\s*(["'])/.exec(xml.slice(i));
        if (!attr || !NAME.test(attr[1]!)) fail('bad attribute');
        const quote = attr![2]!;
        i += attr![0].length;
        const end = xml.indexOf(quote, i);
        if (end < 0) fail('unterminated attribute value');
        const raw = xml.slice(i, end);
        if (raw.includes('<')) fail('"<" in an attribute value');
        if (attr![1]! in element.attributes) fail(`duplicate attribute ${attr![1]}`);
        element.attributes[attr![1]!] = decode(raw, fail);
        i = end + 1;
      }
      if (stack.length === 0) {
        if (root) fail('a second root element');
        root = element;
      } else {
        stack[stack.length - 1]!.children.push(element);
      }
      if (xml.startsWith('/>', i)) {
        i += 2;
      } else {
        i += 1;
        stack.push(element);
      }
    } else {
      const end = xml.indexOf('<', i);
      const raw = xml.slice(i, end < 0 ? xml.length : end);
      if (raw.includes(']]>')) fail('"]]>" in text');
      if (stack.length === 0) {
        if (raw.trim()) fail('text outside the root element');
      } else {
        stack[stack.length - 1]!.text += decode(raw, fail);
      }
      i += raw.length;
    }
  }
  if (stack.length > 0) fail(`element <${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) fail('no root element');
  return root!;
}

function decode(raw: string, fail: (what: string) => never): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '&') {
      out += raw[i];
      continue;
    }
    const match = REFERENCE.exec(raw.slice(i));
    if (!match) fail('bare "&" or unknown entity');
    const ref = match![1]!;
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    out +=
      named[ref] ??
      String.fromCodePoint(
        ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)),
      );
    i += match![0].length - 1;
  }
  return out;
}

/** Every element below `root` (depth first) named `name`. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}
