import type { z } from 'zod';

/**
 * routing_config.json keeps fields it does not know (users add their own notes), so a misspelt
 * field would otherwise be silently ignored: `"enabeld": false` would leave the provider on. This
 * flags an unknown field that is one slip away from a known one (a wrong, missing, extra or swapped
 * letter; two for longer names) and names the field that was meant.
 */
export function typoChecked<T extends z.ZodObject>(schema: T): T {
  const known = Object.keys(schema.shape);
  return schema.superRefine((value: Record<string, unknown>, ctx) => {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const meant = known.find((name) => isSlipOf(key.toLowerCase(), name));
      if (meant) ctx.addIssue({ code: 'custom', path: [key], message: `unknown field "${key}" (did you mean "${meant}"?)` });
    }
  });
}

function isSlipOf(key: string, name: string): boolean {
  if (key === name) return true;
  const allowed = name.length >= 8 ? 2 : 1;
  return Math.abs(key.length - name.length) <= allowed && editDistance(key, name) <= allowed;
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
