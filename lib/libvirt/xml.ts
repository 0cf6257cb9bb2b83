import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * libvirt's `virsh dumpxml` output as a small element tree, read with fast-xml-parser (validated first, so a
 * malformed document is a loud XmlError rather than a silently wrong disk list). Pure.
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

const ATTRS = ':@';
const TEXT = '#text';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  processEntities: true,
  htmlEntities: true,
});

type Node = Record<string, unknown>;

function toElement(node: Node): XmlElement | null {
  const name = Object.keys(node).find((k) => k !== ATTRS);
  if (!name || name === TEXT || name.startsWith('?') || name === '#comment') return null;
  const raw = (node[name] as Node[] | undefined) ?? [];
  const attributes = Object.fromEntries(Object.entries((node[ATTRS] as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)]));
  const children: XmlElement[] = [];
  let text = '';
  for (const child of raw) {
    if (TEXT in child) text += String(child[TEXT]);
    else {
      const el = toElement(child);
      if (el) children.push(el);
    }
  }
  return { name, attributes, children, text };
}

export function parseXml(xml: string): XmlElement {
  if (/<!DOCTYPE/i.test(xml)) throw new XmlError('XML with a DOCTYPE is not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlError(`invalid XML: ${valid.err.msg} (line ${valid.err.line})`);
  const roots = (parser.parse(xml) as Node[]).map(toElement).filter((e): e is XmlElement => e !== null);
  if (roots.length !== 1 || !roots[0]) throw new XmlError(roots.length ? 'a second root element' : 'no root element');
  return roots[0];
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
