import type { ValueTransformer } from 'typeorm';

/** numeric(78,0) ⇄ bigint; pg returns numerics as strings, so no precision is lost on the way. */
export const bigintColumn: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
