/**
 * A minimal XML element-tree reader for libvirt's own `virsh dumpxml` output. Pure.
 *
 * No XML parser is among the project's dependencies, and libvirt writes a small, regular subset of XML:
 * elements, attributes in '...' or "...", the five predefined entities and numeric character references,
 * comments, an optional <?xml?> declaration, no DTD, no CDATA in domain XML. This reader handles exactly that
 * and throws XmlError on anything else (unbalanced tags, a DOCTYPE, text outside the root), so a surprise is
 * loud rather than a silently wrong disk list. If Cowherd ever reads XML from elsewhere, use a real parser
 * (fast-xml-parser would be the candidate) instead of growing this one.
 */

export class XmlError extends Error {
  override name = 'XmlError';
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text directly inside this element (entities decoded, not trimmed). */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new XmlError(`unknown XML entity ${whole}`);
    return named;
  });
}

const NAME = '[A-Za-z_][\\w.:-]*';
const TAG = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:'[^']*'|"[^"]*"))*)\\s*(/?)>`, 'y');
const ATTR = new RegExp(`(${NAME})\\s*=\\s*(?:'([^']*)'|"([^"]*)")`, 'g');

/** Parse a document and return its root element. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > i) {
      const text = xml.slice(i, textEnd);
      const parent = stack[stack.length - 1];
      if (parent) parent.text += decodeXmlEntities(text);
      else if (text.trim() !== '') throw new XmlError(`text outside the root element at offset ${i}`);
      i = textEnd;
      continue;
    }
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end === -1) throw new XmlError(`unterminated comment at offset ${i}`);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end === -1) throw new XmlError(`unterminated processing instruction at offset ${i}`);
      i = end + 2;
      continue;
    }
    if (xml.startsWith('<!', i)) throw new XmlError(`unsupported markup (DOCTYPE/CDATA) at offset ${i}`);
    TAG.lastIndex = i;
    const m = TAG.exec(xml);
    if (!m) throw new XmlError(`malformed tag at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
    const [whole, closing, name = '', attrText = '', selfClosing] = m;
    i += whole.length;
    if (closing) {
      if (selfClosing) throw new XmlError(`malformed closing tag </${name}/> at offset ${i}`);
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new XmlError(`</${name}> does not close ${open ? `<${open.name}>` : 'anything'}`);
      }
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrText.matchAll(ATTR)) {
      const key = a[1] ?? '';
      if (key in attributes) throw new XmlError(`duplicate attribute ${key} on <${name}>`);
      attributes[key] = decodeXmlEntities(a[2] ?? a[3] ?? '');
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) throw new XmlError(`a second root element <${name}>`);
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) throw new XmlError(`<${unclosed.name}> is not closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Direct children named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The first direct child named `name`. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
