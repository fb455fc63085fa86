/** Collects the parameters of a query whose conditions depend on the filters given, and names their placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
