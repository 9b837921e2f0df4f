import { describe, expect, it } from 'vitest';
import { KeywayError } from '../../../src-main/core/errors.js';
import { LocalCalendar, dayKeyToString } from '../../../src-main/core/usage/local-calendar.js';

const HOUR = 3600_000;

describe('local calendar', () => {
  it('gives a 23-hour day when daylight saving time starts, and the right local midnight on both sides', () => {
    const ny = new LocalCalendar('America/New_York');
    const noon = Date.parse('2026-03-08T16:00:00Z');
    expect(dayKeyToString(ny.dayKey(noon))).toBe('2026-03-08');
    expect(new Date(ny.dayStart(noon)).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(new Date(ny.nextDayStart(noon)).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(ny.nextDayStart(noon) - ny.dayStart(noon)).toBe(23 * HOUR);
  });

  it('starts the day when the clock jumps past a midnight that never happens (DST at 00:00 in Santiago)', () => {
    const santiago = new LocalCalendar('America/Santiago');
    // Saturday 5 Sep 2026 at 24:00 (-04) the clocks go to Sunday 01:00 (-03), i.e. at 04:00Z.
    const sunday = Date.parse('2026-09-06T12:00:00Z');
    expect(dayKeyToString(santiago.dayKey(sunday))).toBe('2026-09-06');
    expect(new Date(santiago.dayStart(sunday)).toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(santiago.nextDayStart(sunday) - santiago.dayStart(sunday)).toBe(23 * HOUR);
    const saturday = Date.parse('2026-09-06T03:30:00Z'); // 23:30 on Saturday, local
    expect(dayKeyToString(new LocalCalendar('America/Santiago').dayKey(saturday))).toBe('2026-09-05');
    expect(new Date(new LocalCalendar('America/Santiago').nextDayStart(saturday)).toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('starts the month on the 1st at local midnight and rolls over the year', () => {
    const tokyo = new LocalCalendar('Asia/Tokyo');
    const lateDecember = Date.parse('2026-12-31T20:00:00Z'); // already 1 Jan 05:00 in Tokyo
    expect(dayKeyToString(tokyo.dayKey(lateDecember))).toBe('2027-01-01');
    expect(new Date(tokyo.monthStart(lateDecember)).toISOString()).toBe('2026-12-31T15:00:00.000Z');
    expect(new Date(tokyo.nextMonthStart(lateDecember)).toISOString()).toBe('2027-01-31T15:00:00.000Z');
    expect(tokyo.monthStartKey(lateDecember)).toBe(20270101);
  });

  it('counts a window of N days including today across a month boundary', () => {
    const utc = new LocalCalendar('UTC');
    expect(utc.firstDayKey(Date.parse('2026-03-02T10:00:00Z'), 3)).toBe(20260228);
    expect(utc.firstDayKey(Date.parse('2026-03-02T10:00:00Z'), 1)).toBe(20260302);
  });

  it('refuses an unknown time zone with invalid_input naming it', () => {
    expect(() => new LocalCalendar('Mars/Olympus')).toThrow(KeywayError);
    expect(() => new LocalCalendar('Mars/Olympus')).toThrow(/Unknown time zone "Mars\/Olympus" \(from KEYWAY_TZ/);
  });

  it('reads UTC, by any of its names, without Intl and with the same days as an Intl zone at UTC+0', () => {
    const intlAtZero = new LocalCalendar('Africa/Abidjan'); // UTC+0 all year, through Intl
    for (const name of ['UTC', 'utc', 'Etc/UTC', 'Zulu', 'GMT']) {
      const utc = new LocalCalendar(name);
      expect(utc.timeZone).toBe('UTC');
      for (let ms = Date.parse('2026-01-30T00:00:00Z'); ms < Date.parse('2026-03-03T00:00:00Z'); ms += 5 * HOUR + 7_919) {
        expect([utc.dayKey(ms), utc.dayStart(ms), utc.nextDayStart(ms), utc.monthStart(ms), utc.nextMonthStart(ms)]).toEqual([
          intlAtZero.dayKey(ms), intlAtZero.dayStart(ms), intlAtZero.nextDayStart(ms), intlAtZero.monthStart(ms), intlAtZero.nextMonthStart(ms),
        ]);
      }
    }
  });

  it('names the system time zone as TZ or the zoneinfo link spells it, without ICU when it can', () => {
    const saved = process.env.TZ;
    try {
      for (const [tz, name] of [['Europe/Berlin', 'Europe/Berlin'], [':Asia/Kolkata', 'Asia/Kolkata'], ['Etc/UTC', 'UTC']] as const) {
        process.env.TZ = tz;
        expect(new LocalCalendar().timeZone).toBe(name);
        expect(new LocalCalendar(tz.replace(/^:/, '')).timeZone).toBe(name);
      }
      expect(new LocalCalendar('europe/berlin').timeZone).toBe('Europe/Berlin');
      // A POSIX rule is no zone name: Intl decides, as before.
      process.env.TZ = 'CET-1CEST';
      expect(new LocalCalendar().timeZone).toBe(new Intl.DateTimeFormat('en-US').resolvedOptions().timeZone);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('follows the system time zone (TZ) with Date\'s own clock, matching Intl for that zone across DST gaps and a missing midnight', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/Santiago', 'Europe/Berlin', 'Asia/Kolkata']) {
        process.env.TZ = zone; // Node re-reads the zone when TZ is assigned
        const system = new LocalCalendar();
        const named = new LocalCalendar(zone);
        expect(system.timeZone).toBe(named.timeZone);
        for (let ms = Date.parse('2026-03-01T00:00:00Z'); ms < Date.parse('2026-11-01T00:00:00Z'); ms += 11 * HOUR + 7_919) {
          expect([system.dayKey(ms), system.dayStart(ms), system.nextDayStart(ms), system.monthStart(ms), system.nextMonthStart(ms), system.firstDayKey(ms, 7)]).toEqual([
            named.dayKey(ms), named.dayStart(ms), named.nextDayStart(ms), named.monthStart(ms), named.nextMonthStart(ms), named.firstDayKey(ms, 7),
          ]);
        }
      }
      process.env.TZ = 'America/Santiago';
      const sunday = Date.parse('2026-09-06T12:00:00Z');
      expect(new Date(new LocalCalendar().dayStart(sunday)).toISOString()).toBe('2026-09-06T04:00:00.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
