import { bytes32ToUuid, uuidToBytes32 } from './ids';

describe('uuid ↔ bytes32', () => {
  it('left-aligns the 16 uuid bytes and zero-pads the rest', () => {
    expect(uuidToBytes32('6F1F8A52-3C1E-4D7A-9A57-2B1F0C5D9E11')).toBe(
      '0x6f1f8a523c1e4d7a9a572b1f0c5d9e1100000000000000000000000000000000',
    );
  });

  it('round-trips to the lower-case canonical uuid', () => {
    const uuid = '0b8e4a70-9f0c-4a52-8a3e-54c1f2a7d301';
    expect(bytes32ToUuid(uuidToBytes32(uuid))).toBe(uuid);
  });

  it('rejects malformed uuids and bytes32 values that do not hold one', () => {
    expect(() => uuidToBytes32('not-a-uuid')).toThrow(TypeError);
    expect(() => uuidToBytes32('6f1f8a523c1e4d7a9a572b1f0c5d9e11')).toThrow(TypeError);
    expect(() => bytes32ToUuid(`0x${'11'.repeat(32)}`)).toThrow(TypeError);
    expect(() => bytes32ToUuid('0x1234')).toThrow(TypeError);
  });
});
