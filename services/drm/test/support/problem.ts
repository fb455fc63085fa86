import { DomainError, toProblemDetails } from '@tessera/common';

/** What a caller receives when `act` refuses: the status and detail of the problem document. */
export async function problemOf(act: () => unknown): Promise<{ status: number; detail: string }> {
  let error: unknown;
  try {
    await act();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof DomainError)) {
    throw new Error(`expected a refusal, got ${String(error)}`);
  }
  const { status, detail } = toProblemDetails(error);
  return { status, detail };
}
