import type {
  Abi,
  AbiFunction,
  AbiParameter,
  AbiParameterToPrimitiveType,
  AbiParametersToPrimitiveTypes,
  ExtractAbiEvent,
  ExtractAbiEventNames,
  ExtractAbiFunction,
  ExtractAbiFunctionNames,
} from 'abitype';
import {
  BaseContract,
  Contract,
  Interface,
  type ParamType,
  type Result,
  type ConstantContractMethod,
  type ContractMethod,
  type ContractRunner,
  type ContractTransactionResponse,
  type InterfaceAbi,
} from 'ethers';
import { settlementAbi, tesseraTokenAbi } from './abi';

/** Top-level arguments as ethers accepts them: mutable, and integers as number or bigint. */
type Args<T> = { -readonly [K in keyof T]: T[K] extends bigint ? bigint | number : T[K] };

type Outputs<P extends readonly AbiParameter[]> = P extends readonly []
  ? void
  : P extends readonly [infer Only extends AbiParameter]
    ? AbiParameterToPrimitiveType<Only, 'outputs'>
    : AbiParametersToPrimitiveTypes<P, 'outputs'>;

type Method<F extends AbiFunction> = F['stateMutability'] extends 'view' | 'pure'
  ? ConstantContractMethod<Args<AbiParametersToPrimitiveTypes<F['inputs'], 'inputs'>>, Outputs<F['outputs']>>
  : ContractMethod<
      Args<AbiParametersToPrimitiveTypes<F['inputs'], 'inputs'>>,
      Outputs<F['outputs']>,
      ContractTransactionResponse
    >;

/** An ethers contract whose methods are typed from an `as const` ABI (struct arguments are plain objects). */
export type TypedContract<A extends Abi> = BaseContract & {
  [N in ExtractAbiFunctionNames<A>]: Method<ExtractAbiFunction<A, N>>;
};

/** An event's arguments by name. */
export type EventArgs<A extends Abi, N extends ExtractAbiEventNames<A>> = {
  [P in ExtractAbiEvent<A, N>['inputs'][number] as P['name'] & string]: AbiParameterToPrimitiveType<P, 'outputs'>;
};

export type DecodedEvent<A extends Abi> = {
  [N in ExtractAbiEventNames<A>]: { eventName: N; args: EventArgs<A, N> };
}[ExtractAbiEventNames<A>];

export type SettlementContract = TypedContract<typeof settlementAbi>;
export type TesseraTokenContract = TypedContract<typeof tesseraTokenAbi>;
export type SettlementEvent = DecodedEvent<typeof settlementAbi>;
export type PurchasedEventArgs = EventArgs<typeof settlementAbi, 'Purchased'>;

export const settlementInterface = Interface.from(settlementAbi);
export const tesseraTokenInterface = Interface.from(tesseraTokenAbi);

const interfaces = new WeakMap<Abi, Interface>([
  [settlementAbi, settlementInterface],
  [tesseraTokenAbi, tesseraTokenInterface],
]);

function interfaceOf(abi: Abi): Interface {
  let iface = interfaces.get(abi);
  if (!iface) {
    iface = Interface.from(abi as unknown as InterfaceAbi);
    interfaces.set(abi, iface);
  }
  return iface;
}

export function connectSettlement(address: string, runner: ContractRunner | null): SettlementContract {
  return new Contract(address, settlementAbi, runner) as unknown as SettlementContract;
}

export function connectTesseraToken(address: string, runner: ContractRunner | null): TesseraTokenContract {
  return new Contract(address, tesseraTokenAbi, runner) as unknown as TesseraTokenContract;
}

/**
 * Decodes a log emitted by a contract with `abi`, arguments keyed by name (arrays and structs as plain values).
 * Returns null when the log is not one of the ABI's events.
 */
export function decodeEventLog<A extends Abi>(
  abi: A,
  log: { topics: readonly string[]; data: string },
): DecodedEvent<A> | null {
  const parsed = interfaceOf(abi).parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) {
    return null;
  }
  const args = Object.fromEntries(
    parsed.fragment.inputs.map((param, i) => [param.name, toPlain(parsed.args[i], param)]),
  );
  return { eventName: parsed.name, args } as DecodedEvent<A>;
}

/** ethers' Result → plain arrays and objects, following the ABI types. */
function toPlain(value: unknown, param: ParamType): unknown {
  if (param.isArray()) {
    return (value as Result).toArray().map((item) => toPlain(item, param.arrayChildren));
  }
  if (param.isTuple()) {
    const tuple = value as Result;
    return Object.fromEntries(param.components.map((component, i) => [component.name, toPlain(tuple[i], component)]));
  }
  return value;
}

export function decodeSettlementLog(log: { topics: readonly string[]; data: string }): SettlementEvent | null {
  return decodeEventLog(settlementAbi, log);
}
