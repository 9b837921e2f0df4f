/**
 * `record[key]` when the record itself holds `key`, else undefined: a user-supplied key such as
 * `constructor`, `toString` or `__proto__` never reaches what every object inherits.
 */
export function ownValue<V>(record: Readonly<Partial<Record<string, V>>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
