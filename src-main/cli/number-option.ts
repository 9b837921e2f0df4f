import { InvalidArgumentError } from 'commander';

/** Plain decimal notation (1000, 0.8, 1e6): not hex, binary or octal, which Number() would also accept. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A numeric option value. Whether it must be whole, positive or bounded is the service's rule
 * (its schema names the field), so this only refuses text that is not a decimal number at all.
 */
export function numberOption(value: string): number {
  const text = value.trim();
  const n = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a decimal number, got "${value}".`);
  return n;
}
