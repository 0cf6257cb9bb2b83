import { describe, expect, it } from 'vitest';
import { virshFixture } from './fixture';
import { XmlError, childNamed, childrenNamed, parseXml } from './xml';

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

  it.each(['', '<a>', '<a></b>', '<a/><b/>', '<a x=1/>', "<a x='1' x='2'/>", '<!DOCTYPE a><a/>'])('throws XmlError on %j', (xml) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
  });
});
