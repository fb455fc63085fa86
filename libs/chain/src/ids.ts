import { dataLength, isHexString, zeroPadBytes } from 'ethers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LEFT_ALIGNED_UUID = /^0x([0-9a-f]{32})0{32}$/;

/**
 * On chain, resource and order ids are bytes32 holding the 16 uuid bytes left-aligned and zero-padded, which is what
 * Solidity's `bytes32(bytes16(x))` produces.
 */
export function uuidToBytes32(uuid: string): string {
  if (!UUID.test(uuid)) {
    throw new TypeError(`not a uuid: ${uuid}`);
  }
  return zeroPadBytes(`0x${uuid.replace(/-/g, '').toLowerCase()}`, 32);
}

export function bytes32ToUuid(value: string): string {
  const match = isHexString(value) && dataLength(value) === 32 ? LEFT_ALIGNED_UUID.exec(value.toLowerCase()) : null;
  if (!match) {
    throw new TypeError(`not a uuid encoded as bytes32: ${value}`);
  }
  const hex = match[1];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
