import {currentPrefs, shownTimezone} from '../prefs';

const DAY_MS = 24 * 60 * 60 * 1000;

export function dayLabel(at: number): string {
    const date = new Date(at);
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const start = new Date(date);
    start.setHours(0, 0, 0, 0);
    const days = Math.round((today.getTime() - start.getTime()) / DAY_MS);
    if (days === 0) {
        return 'Today';
    }
    if (days === 1) {
        return 'Yesterday';
    }
    return date.toLocaleDateString(undefined, {weekday: 'short', year: 'numeric', month: 'short', day: 'numeric'});
}

export function clock(at: number): string {
    // The person's choices in Settings: 12- or 24-hour clock, and the time zone.
    return new Date(at).toLocaleTimeString(undefined, {hour: '2-digit', minute: '2-digit', hourCycle: currentPrefs().militaryTime ? 'h23' : 'h12', timeZone: shownTimezone()});
}
