// ethers decodes every integer as bigint and addresses and byte strings as plain strings: make the `as const` ABI
// types agree with it.
declare module 'abitype' {
  interface Register {
    addressType: string;
    intType: bigint;
    bytesType: { inputs: string; outputs: string };
  }
}

export {};
