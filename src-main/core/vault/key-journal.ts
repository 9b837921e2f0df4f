import { z } from 'zod';
import type { KeyRecord, SecretStoreKind } from '../../shared/keys.js';
import type { SettingsStore } from '../config/settings-store.js';
import { previousAccountOf } from './key-id.js';
import type { SecretStore } from './secret-store.js';
import { JOURNAL_ACCOUNT } from './vault-accounts.js';

/** One side of a key change: the key's record, its secret and its rotation-grace secret. */
export interface KeySide {
  record: KeyRecord | null;
  secret: string | null;
  previous: string | null;
}

/**
 * A key change as written to the intent journal (in the vault, since it holds secrets) before any
 * part of it is applied. The audit entry carrying `op` is the commit point: with it the change is
 * finished on recovery, without it the change is undone.
 */
export interface KeyChange {
  op: string;
  action: string;
  actor: string;
  key_id: string;
  before: KeySide;
  after: KeySide;
  detail: string | null;
}

const SideSchema = z.object({
  record: z.custom<KeyRecord>((v) => v === null || (typeof v === 'object' && typeof (v as KeyRecord).id === 'string')),
  secret: z.string().nullable(),
  previous: z.string().nullable(),
});

const KeyChangeSchema = z.object({
  op: z.string().min(1),
  action: z.string().min(1),
  actor: z.string(),
  key_id: z.string().min(1),
  before: SideSchema,
  after: SideSchema,
  detail: z.string().nullable(),
});

export async function writeJournal(store: SecretStore, change: KeyChange): Promise<void> {
  await store.set(JOURNAL_ACCOUNT, JSON.stringify(change));
}

/** The pending change, `null` when none, `'unreadable'` when the journal cannot be understood. */
export async function readJournal(store: SecretStore): Promise<KeyChange | null | 'unreadable'> {
  const raw = await store.get(JOURNAL_ACCOUNT);
  if (raw === undefined) return null;
  try {
    const parsed = KeyChangeSchema.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as KeyChange) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

export async function clearJournal(store: SecretStore): Promise<void> {
  await store.delete(JOURNAL_ACCOUNT);
}

/** Makes the secret store and the settings record match `side`; safe to repeat. */
export async function applySide(store: SecretStore, settings: SettingsStore, id: string, side: KeySide, kind: SecretStoreKind): Promise<void> {
  await put(store, id, side.secret);
  await put(store, previousAccountOf(id), side.previous);
  await settings.update((data) => {
    if (side.record) {
      data.keys[id] = side.record;
      data.secret_store ??= kind;
    } else delete data.keys[id];
  });
}

async function put(store: SecretStore, account: string, value: string | null): Promise<void> {
  if (value === null) await store.delete(account);
  else if ((await store.get(account)) !== value) await store.set(account, value);
}
