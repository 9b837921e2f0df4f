import type { ProviderId } from '../shared/providers.js';
import type { BudgetManager, LeaseHold } from '../core/budget/budget-manager.js';
import type { PriceCatalog } from '../core/prices/price-catalog.js';
import { formatUsd } from '../shared/format.js';
import { outputLimit } from '../core/models/output-limits.js';
import type { UsageLedger } from '../core/usage/usage-ledger.js';
import type { GatewayToken } from './gateway-token.js';


export interface WorstCase {
  provider: ProviderId;
  model: string;
  /** The request body's size: input tokens are bounded by it (about 3 bytes a token at the least). */
  bodyBytes: number;
  maxOutputTokens: number | null;
}

/** Money held for one request until it is recorded. */
export interface Hold {
  /** The budgets' hold (a share of this process's lease); the ledger shrinks the lease in the record's commit. */
  budget: LeaseHold;
  tokenId: string;
  micros: number;
}

export type GuardResult = { granted: true; hold: Hold } | { granted: false; message: string };

export interface SpendGuardDeps {
  budget: () => BudgetManager;
  prices: PriceCatalog;
  ledger: () => UsageLedger;
}

/**
 * Budgets that bind: before a request is forwarded its worst case (input bounded by the body size,
 * plus its output cap or the model's output limit, at the model's price) is held against every
 * budget that applies (this process's budget lease, which every process counts) and against the token's own
 * spend cap (in this process, which owns the token). A request that would overrun either is refused.
 */
export class SpendGuard {
  readonly #deps: SpendGuardDeps;
  readonly #tokens = new Map<string, { spent: number; held: number }>();

  constructor(deps: SpendGuardDeps) {
    this.#deps = deps;
  }

  /** Worst-case cost in micro-dollars (0 when the model has no price: nothing can be held for it). */
  worstCaseMicros(request: WorstCase): number {
    const input = Math.ceil(request.bodyBytes / 3);
    const output = request.maxOutputTokens ?? outputLimit(request.provider, request.model)?.tokens ?? 0;
    return this.#deps.prices.costMicros(request.provider, request.model, { input_tokens: input, output_tokens: output }) ?? 0;
  }

  reserve(token: GatewayToken, request: WorstCase): GuardResult {
    const micros = this.worstCaseMicros(request);
    const cap = token.scope?.max_spend_usd;
    const mine = this.#tokenState(token);
    if (cap !== undefined) {
      const capMicros = Math.round(cap * 1e6);
      if (mine.spent + mine.held + micros > capMicros) {
        return {
          granted: false,
          message: `Keyway refused this request: the gateway token "${token.name}" has a spend cap of ${formatUsd(cap)} and ${formatUsd((mine.spent + mine.held) / 1e6)} is spent or held; this request could cost up to ${formatUsd(micros / 1e6)}. Lower max_tokens, or create a token with a higher --max-spend.`,
        };
      }
    }
    const held = this.#deps.budget().hold(request.provider, micros);
    if (!held.granted) return { granted: false, message: `Keyway refused this request: ${held.message}` };
    mine.held += micros;
    return { granted: true, hold: { budget: held.hold, tokenId: token.id, micros } };
  }

  /** The request was recorded (its commit released the budgets' hold): the token's hold becomes what it really cost. */
  settle(hold: Hold, costUsd: number | null): void {
    this.#deps.budget().settleHold(hold.budget);
    const mine = this.#tokens.get(hold.tokenId);
    if (!mine) return;
    mine.held = Math.max(0, mine.held - hold.micros);
    mine.spent += Math.round((costUsd ?? 0) * 1e6);
  }

  /** Nothing was recorded (the ledger write failed): give the holds back. */
  release(hold: Hold): void {
    const mine = this.#tokens.get(hold.tokenId);
    if (mine) mine.held = Math.max(0, mine.held - hold.micros);
    this.#deps.budget().releaseHold(hold.budget);
  }

  #tokenState(token: GatewayToken): { spent: number; held: number } {
    let state = this.#tokens.get(token.id);
    if (!state) {
      // What this token spent before (an earlier run of the service) counts against its cap.
      state = { spent: this.#deps.ledger().spentMicrosByToken(token.id), held: 0 };
      this.#tokens.set(token.id, state);
    }
    return state;
  }
}
