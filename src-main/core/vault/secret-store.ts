import type { SecretStoreKind } from '../../shared/keys.js';

/**
 * Where secret values live. Accounts are key ids (`anthropic:default`); values never leave a store
 * except to be sent to their provider. Implementations must be safe to call concurrently.
 */
export interface SecretStore {
  readonly kind: SecretStoreKind;
  /** Human description for the UI: "GNOME Keyring (Secret Service)", "/path/.keys.enc". */
  readonly location: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  accounts(): Promise<string[]>;
}

/** The keychain service name under which every Keyway secret is stored. */
export const KEYCHAIN_SERVICE = 'keyway';
