import { describe, expect, it } from 'vitest';
import { hrefs } from './hrefs';

describe('links', () => {
  it('builds the wizard URLs with encoded parameters', () => {
    expect(hrefs.createSnapshot('lab', 'vg0', 'web')).toBe('/hosts/lab/create-snapshot?vg=vg0&origin=web');
    expect(hrefs.createSnapshot('lab')).toBe('/hosts/lab/create-snapshot');
    expect(hrefs.extend('lab', 'vg0', 'a+b')).toBe('/hosts/lab/extend?vg=vg0&snapshot=a%2Bb');
    expect(hrefs.merge('lab', 'vg0', 's')).toBe('/hosts/lab/merge?vg=vg0&snapshot=s');
    expect(hrefs.vg('lab', 'vg.0+x')).toBe('/vgs/lab/vg.0%2Bx');
  });
});
