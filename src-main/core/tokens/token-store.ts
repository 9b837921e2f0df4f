import { nodeCrypto } from '../on-first-use.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PROVIDER_IDS } from '../../shared/providers.js';
import {
  TOKEN_KINDS,
  TOKEN_NAME_PATTERN,
  type CreatedToken,
  type CreateTokenParsed,
  type TokenKind,
  type TokenRecord,
} from '../../shared/tokens.js';
import { KeywayError, isErrnoException } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readBoundedSync } from '../fs/bounded-read.js';
import { FileLock } from '../fs/file-lock.js';

export const TOKENS_FILE = 'tokens.json';
/** tokens.json is small; anything larger is not ours and is refused rather than read. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_TOKENS = 2000;
/** How long a revoked or expired token stays listed before a later write drops it. */
const KEEP_ENDED_MS = 30 * 86_400_000;
/** Another process's revocation is seen within this long (the file is stat'ed at most this often). */
const RECHECK_MS = 500;
const TOKEN_PATTERN = /^kw_(dashboard|editor|gateway)_[A-Za-z0-9_-]{43}$/;

const StoredTokenSchema = z
  .object({
    id: z.string().regex(/^tok_[a-f0-9]{12}$/),
    name: z.string().regex(TOKEN_NAME_PATTERN),
    kind: z.enum(TOKEN_KINDS),
    hash: z.string().regex(/^[a-f0-9]{64}$/),
    created_at: z.iso.datetime(),
    expires_at: z.iso.datetime().nullable(),
    revoked_at: z.iso.datetime().nullable(),
    scope: z
      .object({
        providers: z.array(z.enum(PROVIDER_IDS)).optional(),
        max_spend_usd: z.number().positive().optional(),
        project: z.string().regex(TOKEN_NAME_PATTERN).optional(),
      })
      .strict(),
  })
  .strict();

const TokensFileSchema = z.object({ version: z.literal(1), tokens: z.array(StoredTokenSchema).max(MAX_TOKENS) }).strict();

type StoredToken = z.output<typeof StoredTokenSchema>;

export interface TokenStoreOptions {
  dataDir: string;
  now?: () => number;
}

/**
 * The local tokens that open Keyway to programs: the dashboard's, editors' and gateway clients'.
 * Only a sha256 of each token is kept (in `tokens.json`, 0600), so the file alone opens nothing;
 * the plaintext is handed out once, at creation. Verification is a map lookup on the hash, with
 * the file re-read only when another process changed it.
 */
export class TokenStore {
  readonly #path: string;
  readonly #now: () => number;
  readonly #lock: FileLock;
  #byHash = new Map<string, StoredToken>();
  #tokens: StoredToken[] = [];
  #loadedStamp = '';
  #checkedAt = -Infinity;
  readonly #lastUsed = new Map<string, number>();

  constructor(options: TokenStoreOptions) {
    this.#path = join(options.dataDir, TOKENS_FILE);
    this.#now = options.now ?? Date.now;
    this.#lock = new FileLock(this.#path);
  }

  get path(): string {
    return this.#path;
  }

  /** Creates a token (input already validated at the edge) and returns it with its record; the only time the token is readable. */
  async create(parsed: CreateTokenParsed): Promise<CreatedToken> {
    const token = `kw_${parsed.kind}_${nodeCrypto().randomBytes(32).toString('base64url')}`;
    const now = this.#now();
    const stored: StoredToken = {
      id: `tok_${nodeCrypto().randomBytes(6).toString('hex')}`,
      name: parsed.name,
      kind: parsed.kind,
      hash: hashToken(token),
      created_at: new Date(now).toISOString(),
      expires_at: parsed.expires_in_s === undefined ? null : new Date(now + parsed.expires_in_s * 1000).toISOString(),
      revoked_at: null,
      scope: { ...parsed.scope },
    };
    await this.#mutate((tokens) => {
      const kept = tokens.filter((t) => !this.#endedLongAgo(t, now));
      if (kept.length >= MAX_TOKENS) {
        throw new KeywayError('invalid_input', `There are already ${MAX_TOKENS} tokens. Revoke some with \`keyway tokens revoke ID\` first.`);
      }
      return [...kept, stored];
    });
    return { record: this.#view(stored), token };
  }

  /** The token's record when it is known, not revoked and not expired; otherwise null. */
  verify(token: string | undefined, kind?: TokenKind): TokenRecord | null {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return null;
    this.#refresh();
    const hash = hashToken(token);
    // A token another process just created is seen at once: a miss always looks at the file again.
    if (!this.#byHash.has(hash)) this.#refresh(true);
    const stored = this.#byHash.get(hash);
    if (!stored || !this.#active(stored, this.#now())) return null;
    if (kind !== undefined && stored.kind !== kind) return null;
    this.#lastUsed.set(stored.id, this.#now());
    return this.#view(stored);
  }

  /** Every token, newest first; revoked and expired ones stay listed for 30 days. */
  list(kind?: TokenKind): TokenRecord[] {
    this.#refresh(true);
    return this.#tokens
      .filter((t) => kind === undefined || t.kind === kind)
      .map((t) => this.#view(t))
      .reverse();
  }

  get(id: string): TokenRecord | null {
    this.#refresh(true);
    const stored = this.#tokens.find((t) => t.id === id);
    return stored ? this.#view(stored) : null;
  }

  /** Revokes a token at once, in this process and (within half a second) in every other. */
  async revoke(id: string): Promise<TokenRecord> {
    let revoked: StoredToken | undefined;
    await this.#mutate((tokens) =>
      tokens.map((t) => {
        if (t.id !== id) return t;
        revoked = t.revoked_at ? t : { ...t, revoked_at: new Date(this.#now()).toISOString() };
        return revoked;
      }),
    );
    if (!revoked) throw new KeywayError('invalid_input', `No token has the id ${id}. List them with \`keyway tokens\`.`);
    return this.#view(revoked);
  }

  async #mutate(change: (tokens: StoredToken[]) => StoredToken[]): Promise<void> {
    await this.#lock.run(() => {
      this.#refresh(true);
      const next = change(this.#tokens);
      writeFileAtomic(this.#path, `${JSON.stringify({ version: 1, tokens: next }, null, 2)}\n`);
      this.#install(next, this.#stamp());
    });
  }

  #refresh(force = false): void {
    const now = this.#now();
    if (!force && now - this.#checkedAt < RECHECK_MS) return;
    this.#checkedAt = now;
    const stamp = this.#stamp();
    if (stamp === this.#loadedStamp) return;
    this.#install(stamp === 'missing' ? [] : this.#read(), stamp);
  }

  #install(tokens: StoredToken[], stamp: string): void {
    this.#tokens = tokens;
    this.#byHash = new Map(tokens.map((t) => [t.hash, t]));
    this.#loadedStamp = stamp;
  }

  #stamp(): string {
    try {
      const stat = statSync(this.#path);
      return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return 'missing';
      throw error;
    }
  }

  #read(): StoredToken[] {
    const text = readBoundedSync(this.#path, {
      maxBytes: MAX_FILE_BYTES,
      what: 'The token file',
      remedy: 'move it aside and create new tokens with `keyway tokens create`',
    }).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.#corrupt('it is not valid JSON');
    }
    const parsed = TokensFileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw this.#corrupt(`${issue?.path.join('.') || 'the top level'}: ${issue?.message ?? 'unexpected shape'}`);
    }
    return parsed.data.tokens;
  }

  #corrupt(what: string): KeywayError {
    return new KeywayError(
      'config_invalid',
      `${this.#path} is damaged (${what}). Move it aside and create new tokens with \`keyway tokens create\`; editors and gateway clients then need their new tokens.`,
    );
  }

  #active(t: StoredToken, now: number): boolean {
    return t.revoked_at === null && (t.expires_at === null || Date.parse(t.expires_at) > now);
  }

  #endedLongAgo(t: StoredToken, now: number): boolean {
    const ended = t.revoked_at ?? (t.expires_at !== null && Date.parse(t.expires_at) <= now ? t.expires_at : null);
    return ended !== null && now - Date.parse(ended) > KEEP_ENDED_MS;
  }

  #view(t: StoredToken): TokenRecord {
    const used = this.#lastUsed.get(t.id);
    return {
      id: t.id,
      name: t.name,
      kind: t.kind,
      created_at: t.created_at,
      expires_at: t.expires_at,
      revoked_at: t.revoked_at,
      last_used_at: used === undefined ? null : new Date(used).toISOString(),
      scope: { ...t.scope },
    };
  }
}

export function hashToken(token: string): string {
  return nodeCrypto().createHash('sha256').update(token).digest('hex');
}
