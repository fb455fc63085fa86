/** Which service this process is; injected wherever a client id or label is needed. */
export class ServiceInfo {
  constructor(readonly name: string) {}

  get clientId(): string {
    return `tessera-${this.name}`;
  }
}
