import { describe, expect, it } from 'vitest';
import { virshFixture } from './fixture';
import { XmlError, childNamed, childrenNamed, decodeXmlEntities, parseXml } from './xml';

describe('parseXml', () => {
  it('reads a recorded dumpxml into a tree', () => {
    const root = parseXml(virshFixture('dumpxml-web01.xml'));
    expect(root.name).toBe('domain');
    expect(root.attributes).toEqual({ type: 'qemu', id: '1' });
    const devices = childNamed(root, 'devices');
    expect(devices && childrenNamed(devices, 'disk').length).toBe(1);
    expect(devices && childrenNamed(devices, 'controller').map((c) => c.attributes.type)).toEqual(['usb', 'pci', 'virtio-serial']);
  });

  it('handles declarations, comments, both quote styles, self-closing tags and entities', () => {
    const root = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x='1' y="2 &gt; 1" z = '&#65;&#x42;'><b/><c>t&lt;u</c><!-- <d> --></a>\n`);
    expect(root).toEqual({
      name: 'a',
      attributes: { x: '1', y: '2 > 1', z: 'AB' },
      text: '',
      children: [
        { name: 'b', attributes: {}, children: [], text: '' },
        { name: 'c', attributes: {}, children: [], text: 't<u' },
      ],
    });
  });

  it.each([
    ['', /no root/],
    ['<a>', /not closed/],
    ['<a></b>', /does not close/],
    ['<a/><b/>', /second root/],
    ['text<a/>', /text outside/],
    ['<a x=1/>', /malformed tag/],
    ["<a x='1' x='2'/>", /duplicate attribute/],
    ['<!DOCTYPE a><a/>', /DOCTYPE/],
    ['<a><![CDATA[x]]></a>', /CDATA/],
    ['<a>&nbsp;</a>', /unknown XML entity/],
    ['<a><!-- x </a>', /unterminated comment/],
  ])('throws XmlError on %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
    expect(() => parseXml(xml)).toThrow(message);
  });

  it('decodes the predefined entities', () => {
    expect(decodeXmlEntities('&amp;&lt;&gt;&quot;&apos;&#233;')).toBe(`&<>"'é`);
  });
});
