/**
 * Dollars for people, one rounding rule for every front: amounts are rounded half-up on whole
 * micro-dollars (never with binary toFixed, which turns $1.575 into "$1.57").
 */

const MICROS = 1_000_000;

/** `$12.00`, `$0.45`, `$0.0105`, `$0.000042`: two decimals, more when the amount is below a dollar or a cent. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unpriced';
  const micros = Math.round(Math.abs(usd) * MICROS);
  const digits = micros === 0 || micros >= MICROS ? 2 : micros >= 10_000 ? 4 : 6;
  return withSign(usd, decimals(micros, digits).replace(/(\.\d\d\d*?)0+$/, '$1'));
}

/** `$1.58` or `<$0.01`: whole cents, for tight spaces (tray tooltip, spend bars, chart labels). */
export function formatUsdCents(usd: number): string {
  const micros = Math.round(Math.abs(usd) * MICROS);
  if (micros > 0 && micros < 5_000) return usd < 0 ? '-<$0.01' : '<$0.01';
  return withSign(usd, decimals(micros, 2));
}

function decimals(micros: number, digits: number): string {
  const unit = 10 ** (6 - digits);
  const scaled = Math.round(micros / unit);
  const whole = Math.floor(scaled / 10 ** digits);
  const fraction = String(scaled % 10 ** digits).padStart(digits, '0');
  return `$${whole}.${fraction}`;
}

function withSign(usd: number, text: string): string {
  return usd < 0 && text !== '$0.00' ? `-${text}` : text;
}
