import { InvalidArgumentError } from 'commander';

/**
 * A numeric option value. Whether it must be whole, positive or bounded is the service's rule
 * (its schema names the field), so this only refuses text that is not a number at all.
 */
export function numberOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}".`);
  return n;
}
