// The solc npm package ships without type declarations; this covers the part of its API the build uses.
declare module 'solc' {
  export type ImportResult = { contents: string } | { error: string };

  export function compile(input: string, callbacks?: { import?: (path: string) => ImportResult }): string;
  export function version(): string;
}
