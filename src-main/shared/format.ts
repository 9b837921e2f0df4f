/** Dollars with cents for display; amounts above zero but under half a cent show as "<$0.01". */
export function formatUsd(amount: number): string {
  if (amount > 0 && amount < 0.005) return '<$0.01';
  return `$${amount.toFixed(2)}`;
}
