import { Injectable } from '@nestjs/common';
import { type KekProvider, LocalKekProvider } from '@tessera/crypto';
import { DrmEnvDto } from '../config/env.dto';
import { resolveDrmSecrets } from './drm-secrets';

/** The keyring state a provider is built for. */
export interface KekProviderOptions {
  /** The version new data keys are wrapped under (the shared drm.kek_state). */
  currentVersion: number;
  /** Unwrapping below this version is refused (retired keys). */
  minDecryptionVersion: number;
}

/**
 * Where the KEKs live. The ring wraps and unwraps only through the providers this builds, so a KMS or Vault
 * transit backend is one binding of this token in KeysModule; the default binding is LocalKekProviderFactory.
 */
export abstract class KekProviderFactory {
  /** KEK versions this instance can wrap and unwrap with; rotation moves only among them. */
  abstract versions(): readonly number[];
  abstract create(options: KekProviderOptions): KekProvider;
}

/** KEKs as base64 keys from configuration (KEK_KEYS, or the generated local secrets file). */
@Injectable()
export class LocalKekProviderFactory extends KekProviderFactory {
  private readonly keys: Record<number, string>;

  constructor(env: DrmEnvDto) {
    super();
    this.keys = resolveDrmSecrets(env).kekKeys;
  }

  versions(): readonly number[] {
    return Object.keys(this.keys).map(Number);
  }

  create(options: KekProviderOptions): KekProvider {
    return new LocalKekProvider({ keys: this.keys, ...options });
  }
}
