/**
 * Block-range size for `eth_getLogs`: halves when the node fails or answers with too many logs,
 * doubles back after each success, within [min, max].
 */
export class AdaptiveRange {
  private size: number;

  constructor(
    initial: number,
    private readonly min: number,
    private readonly max: number,
  ) {
    this.size = clamp(initial, min, max);
  }

  get current(): number {
    return this.size;
  }

  /** The range to ask for next, never past `head`. */
  next(from: number, head: number): { from: number; to: number } {
    return { from, to: Math.min(head, from + this.size - 1) };
  }

  /** Returns false when the range is already as small as allowed (the failure is not about size). */
  shrink(): boolean {
    if (this.size <= this.min) {
      return false;
    }
    this.size = Math.max(this.min, Math.floor(this.size / 2));
    return true;
  }

  grow(): void {
    this.size = Math.min(this.max, this.size * 2);
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
