import type { BusinessHours, Weekday } from '../common/settings.js';

const DAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `at` (epoch ms) falls in one of the day's ranges, in the queue's time zone. */
export function isOpen(hours: BusinessHours, at: number): boolean {
  let format = formatters.get(hours.timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: hours.timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(hours.timezone, format);
  }
  const parts = format.formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as Weekday;
  if (!DAYS.includes(day)) return false;
  const minutes = Number(get('hour')) * 60 + Number(get('minute'));
  for (const [from, to] of hours.weekly[day] ?? []) {
    if (minutes >= toMinutes(from) && minutes < toMinutes(to)) return true;
  }
  return false;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}
