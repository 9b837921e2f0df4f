import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './providers.js';
import { TOKEN_NAME_PATTERN } from './tokens.js';
import type { GatewayStatus } from './usage.js';

/** At most this many requests in one page of the activity feed. */
export const MAX_RECENT_LIMIT = 500;

/** Where the next, older page starts: the oldest record id and refusal id already shown (`<record>.<refusal>`). */
export const RECENT_CURSOR_PATTERN = /^\d{1,15}\.\d{1,15}$/;

const filterName = (what: string) =>
  z.string().regex(TOKEN_NAME_PATTERN, `${what} must be 1-64 letters, digits, spaces or _ . : @ / -, starting with a letter or digit`);

export const RecentRequestsInputSchema = z.strictObject({
  limit: z
    .number({ error: 'limit must be a whole number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(MAX_RECENT_LIMIT, `limit must be at most ${MAX_RECENT_LIMIT}`)
    .default(50),
  before: z.string().regex(RECENT_CURSOR_PATTERN, 'before must be the next_before value of an earlier page').optional(),
  provider: z.enum(PROVIDER_IDS, { error: () => `provider must be one of ${PROVIDER_IDS.join(', ')}` }).optional(),
  client: filterName('client').optional(),
  project: filterName('project').optional(),
});
export type RecentRequestsInput = z.input<typeof RecentRequestsInputSchema>;
export type RecentRequestsQuery = z.output<typeof RecentRequestsInputSchema>;

/**
 * How a request ended: the gateway's statuses, `tracked` for a track_request record (its success
 * flag says how it went), or `refused` (a budget or a token's cap stopped it before any provider
 * saw it: no tokens, no cost, not a provider failure).
 */
export type RecentStatus = GatewayStatus | 'tracked' | 'refused';

/** One line of the activity feed. */
export interface RecentRequest {
  /** `u<record id>` or `r<refusal id>`: unique across both. */
  id: string;
  time: string;
  status: RecentStatus;
  success: boolean;
  client: string | null;
  project: string | null;
  provider: ProviderId;
  model: string;
  route: string | null;
  key_label: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** null when the model had no price. */
  cost_usd: number | null;
  latency_ms: number | null;
  ttfb_ms: number | null;
  /** Why a refused request was refused (the message its client got); null otherwise. */
  detail: string | null;
}

export interface RecentRequests {
  /** Newest first. */
  requests: RecentRequest[];
  /** Pass as `before` for the next, older page; null when there is none. */
  next_before: string | null;
}

/** A request the gateway refused before forwarding it (budget or token cap), as the gateway reports it. */
export interface RefusedRequest {
  provider: ProviderId;
  model: string;
  client: string | null;
  token_id: string | null;
  project: string | null;
  route: string;
  latency_ms: number | null;
  /** The message the client was sent (names the budget; never a secret). */
  detail: string;
}

/** Spend of one client (gateway token name or `exec` command) or project, today and this month. */
export interface OriginSpend {
  /** null: records that carried no client (or no project). */
  name: string | null;
  requests: number;
  today_usd: number;
  month_usd: number;
}

/** How each ending reads, in the GUI and the CLI alike (words, never colour alone). */
const STATUS_TEXT: Record<RecentStatus, string> = {
  ok: 'ok',
  tracked: 'ok',
  upstream_error: 'failed: provider error',
  client_error: 'failed: rejected by provider',
  unreachable: 'failed: unreachable',
  cut: 'cut: stream broke',
  client_closed: 'client closed',
  refused: 'refused',
};

export function statusText(request: Pick<RecentRequest, 'status' | 'success'>): string {
  if (request.status === 'tracked' && !request.success) return 'failed';
  return STATUS_TEXT[request.status] ?? request.status;
}

/** True for every request that did not end well (the feed marks them). */
export function isTrouble(request: Pick<RecentRequest, 'status' | 'success'>): boolean {
  return request.status === 'refused' || !request.success;
}

/** `1,000 in / 200 out`, plus cache reads and writes and reasoning when there were any. */
export function tokenSummary(request: Pick<RecentRequest, 'input_tokens' | 'output_tokens' | 'cached_input_tokens' | 'cache_write_tokens' | 'reasoning_tokens'>): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const extra = [
    request.cached_input_tokens > 0 ? `${n(request.cached_input_tokens)} cache read` : null,
    request.cache_write_tokens > 0 ? `${n(request.cache_write_tokens)} cache write` : null,
    request.reasoning_tokens > 0 ? `${n(request.reasoning_tokens)} reasoning` : null,
  ].filter((part): part is string => part !== null);
  return `${n(request.input_tokens)} in / ${n(request.output_tokens)} out${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}
