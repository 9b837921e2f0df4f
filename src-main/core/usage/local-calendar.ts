import { readlinkSync } from 'node:fs';
import { KeywayError } from '../errors.js';

/** Longer than any clock change, so the search for a day's first instant always brackets it. */
const GAP_SEARCH_MS = 4 * 3600 * 1000;

interface LocalDay {
  start: number;
  end: number;
  key: number;
  monthStart: number;
  monthEnd: number;
  monthKey: number;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

type WallTime = LocalDate & { hour: number; minute: number; second: number };

/** UTC by any of its names (Intl accepts them in any case); it needs no time zone data. */
const UTC_NAMES = /^(etc\/)?(utc|universal|zulu|gmt)$/i;

/**
 * Days and months in one time zone (the user's, unless a test or option names another): the
 * periods budgets and daily aggregates use. Day keys are integers YYYYMMDD.
 *
 * Wall time comes from Date's own getters for UTC and for the system time zone, and from Intl only
 * for another named zone: the first Intl.DateTimeFormat in a process costs ICU's set-up (40 ms
 * on a loaded 2-core machine), which every `keyway budget` would otherwise pay. Date's local
 * getters and Intl's default zone are the same zone (the process's TZ, else the system's).
 */
export class LocalCalendar {
  /** The zone asked for (undefined: the system's); its IANA name is resolved only when read. */
  readonly #requested: string | undefined;
  #name: string | undefined;
  readonly #wallTime: (ms: number) => WallTime;
  /** The day last asked about, with its month: periods are looked up per request, so they are cached. */
  #day: LocalDay | undefined;

  constructor(timeZone?: string) {
    this.#requested = timeZone;
    if (timeZone === undefined) {
      this.#wallTime = systemWallTime;
    } else if (UTC_NAMES.test(timeZone)) {
      this.#name = 'UTC';
      this.#wallTime = utcWallTime;
    } else {
      const format = zoneFormat(timeZone);
      // Shown as the user spelled it (ICU still says Asia/Calcutta for Asia/Kolkata), in ICU's letter case.
      const resolved = format.resolvedOptions().timeZone;
      this.#name = resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone;
      this.#wallTime = (ms) => intlWallTime(format, ms);
    }
  }

  /** IANA name of the zone, e.g. Europe/Berlin. */
  get timeZone(): string {
    this.#name ??= (this.#requested === undefined ? systemZoneName() : undefined) ?? zoneFormat(this.#requested).resolvedOptions().timeZone;
    return this.#name;
  }

  /** YYYYMMDD of the local day holding `ms`. Cached for the current day, so it is cheap per record. */
  dayKey(ms: number): number {
    return this.#dayOf(ms).key;
  }

  dayStart(ms: number): number {
    return this.#dayOf(ms).start;
  }

  nextDayStart(ms: number): number {
    return this.#dayOf(ms).end;
  }

  monthStart(ms: number): number {
    return this.#dayOf(ms).monthStart;
  }

  nextMonthStart(ms: number): number {
    return this.#dayOf(ms).monthEnd;
  }

  /** Day key of the first day of the month holding `ms`. */
  monthStartKey(ms: number): number {
    return this.#dayOf(ms).monthKey;
  }

  #dayOf(ms: number): LocalDay {
    const cached = this.#day;
    if (cached && ms >= cached.start && ms < cached.end) return cached;
    const d = this.#localDate(ms);
    const day = {
      start: this.#midnight(d.year, d.month, d.day),
      end: this.#midnight(d.year, d.month, d.day + 1),
      key: keyOf(d),
      monthStart: this.#midnight(d.year, d.month, 1),
      monthEnd: this.#midnight(d.year, d.month + 1, 1),
      monthKey: d.year * 10000 + d.month * 100 + 1,
    };
    this.#day = day;
    return day;
  }

  /** Day key `days - 1` local days before the day holding `ms` (so `days` days including today). */
  firstDayKey(ms: number, days: number): number {
    const d = this.#localDate(ms);
    const shifted = new Date(Date.UTC(d.year, d.month - 1, d.day - (days - 1)));
    return shifted.getUTCFullYear() * 10000 + (shifted.getUTCMonth() + 1) * 100 + shifted.getUTCDate();
  }

  /** The first instant of the local day with key YYYYMMDD. */
  startOfDayKey(key: number): number {
    return this.#midnight(Math.floor(key / 10000), Math.floor(key / 100) % 100, key % 100);
  }

  #localDate(ms: number): WallTime {
    return this.#wallTime(ms);
  }

  /** Milliseconds between UTC and local wall time at `ms`. */
  #offset(ms: number): number {
    const d = this.#localDate(ms);
    return Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second) - (ms - (((ms % 1000) + 1000) % 1000));
  }

  /**
   * The first instant of that local date (month/day may overflow, as with Date.UTC): local midnight,
   * or where daylight saving time starts at midnight (America/Santiago, America/Havana) and midnight
   * never happens, the end of that gap.
   */
  #midnight(year: number, month: number, day: number): number {
    const wall = Date.UTC(year, month - 1, day);
    const guess = wall - this.#offset(wall);
    const start = wall - this.#offset(guess);
    const date = new Date(wall);
    const target = date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
    if (keyOf(this.#localDate(start)) >= target) return start;
    // Still the day before: search the gap (at most a few hours) for the first instant of the date.
    let before = start;
    let after = start + GAP_SEARCH_MS;
    while (after - before > 1) {
      const mid = Math.floor((before + after) / 2);
      if (keyOf(this.#localDate(mid)) < target) before = mid;
      else after = mid;
    }
    return after;
  }
}

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){1,2}$/;

/**
 * The system zone's IANA name the way ICU finds it (TZ when it names a zone, else the zoneinfo
 * file /etc/localtime links to), read without ICU's set-up; undefined when neither says, and Intl
 * decides.
 */
function systemZoneName(): string | undefined {
  const tz = process.env.TZ?.replace(/^:/, '');
  const name = tz !== undefined ? tz : zoneInfoLink();
  if (name === undefined) return undefined;
  if (UTC_NAMES.test(name)) return 'UTC';
  return ZONE_NAME.test(name) ? name : undefined;
}

function zoneInfoLink(): string | undefined {
  try {
    return /zoneinfo\/(.+)$/.exec(readlinkSync('/etc/localtime'))?.[1];
  } catch {
    return undefined;
  }
}

function zoneFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new KeywayError('invalid_input', `Unknown time zone "${timeZone ?? ''}" (from KEYWAY_TZ or the timeZone option). Use an IANA name such as Europe/Berlin or UTC, or unset KEYWAY_TZ to use the system time zone.`);
  }
}

function intlWallTime(format: Intl.DateTimeFormat, ms: number): WallTime {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function utcWallTime(ms: number): WallTime {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

function systemWallTime(ms: number): WallTime {
  const d = new Date(ms);
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes(), second: d.getSeconds() };
}

export function dayKeyToString(key: number): string {
  const year = Math.floor(key / 10000);
  const month = Math.floor(key / 100) % 100;
  const day = key % 100;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function keyOf(date: LocalDate): number {
  return date.year * 10000 + date.month * 100 + date.day;
}
