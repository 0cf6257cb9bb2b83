import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, parsePasswordHash, verifyPassword } from './password';

describe('hashPassword', () => {
  it('encodes scrypt parameters, a 16-byte salt and the hash in one string', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    const parsed = parsePasswordHash(hash);
    expect(parsed?.params).toEqual(DEFAULT_SCRYPT_PARAMS);
    expect(parsed?.salt).toHaveLength(16);
    expect(parsed?.key).toHaveLength(32);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
  });
});

describe('verifyPassword', () => {
  it('accepts the right password and rejects others', async () => {
    const hash = await hashPassword('s3cret-Pa55');
    expect(await verifyPassword('s3cret-Pa55', hash)).toBe(true);
    expect(await verifyPassword('s3cret-pa55', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('uses the parameters stored with the hash', async () => {
    const hash = await hashPassword('pw with cheap params', { ln: 10, r: 8, p: 1 });
    expect(hash.startsWith('scrypt$ln=10,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('pw with cheap params', hash)).toBe(true);
  });

  it('treats unicode in equivalent forms as the same password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword('cafe\u0301 au lait', hash)).toBe(true);
  });

  it('never matches a malformed or absurd hash', async () => {
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'plaintext')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$ln=15,r=8,p=1$bad$bad')).toBe(false);
    expect(parsePasswordHash('scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toBeNull();
  });
});
