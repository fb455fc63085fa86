import { IsString, Matches, MaxLength } from 'class-validator';

export class SiweNonceResponseDto {
  /**
   * Put this in the EIP-4361 message's Nonce field; it works once and expires.
   * @example "k7V3uQp1Zr8xYw2N"
   */
  nonce!: string;
  /** @example "2026-11-02T14:35:00.000Z" */
  expiresAt!: Date;
}

export class SiweVerifyDto {
  /**
   * The EIP-4361 message exactly as signed.
   * @example "localhost:3000 wants you to sign in with your Ethereum account:\n0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n\nSign in to Tessera\n\nURI: http://localhost:3000\nVersion: 1\nChain ID: 31337\nNonce: k7V3uQp1Zr8xYw2N\nIssued At: 2030-01-01T00:00:00.000Z"
   */
  @IsString()
  @MaxLength(4096)
  message!: string;

  /**
   * The wallet's personal_sign signature of the message.
   * @example "0x262416f058d8a89362de0e549b5b38a229ddcac61b13d4e09986ca9a6f986d4c98e810e736caabc2b5efd4403bf57b5c8f9a68ce70912e1b3dfb5feccfcab4a11b"
   */
  @IsString()
  @MaxLength(2048)
  @Matches(/^0x[0-9a-fA-F]+$/, { message: 'signature must be 0x-prefixed hex' })
  signature!: string;
}

export class SiweSessionResponseDto {
  /**
   * Send as `Authorization: Bearer <token>`. Valid for at most 15 minutes.
   * @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIweGYzOUZkNmU1MWFhZDg4RjZGNGNlNmFCODgyNzI3OWNmZkZiOTIyNjYiLCJpYXQiOjE3OTM3MTM4MDAsImV4cCI6MTc5MzcxNDcwMH0.Jr9yQm3kV1bL8cXh2T0aPzW5nE4uG7sD6fR1iK3oM8Y"
   */
  token!: string;
  /** @example "2026-11-02T14:45:00.000Z" */
  expiresAt!: Date;
  /**
   * The signed-in wallet, EIP-55 checksummed.
   * @example "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
   */
  wallet!: string;
}
