// Custom statuses (an emoji, a short text, maybe an end), kept by the server in the
// user's props; user_updated brings other people's changes.
import type {UserCustomStatus, UserProfile} from '@mattermost/types/users';
import {client} from './client';
import {getState, setState} from './store';
import {rememberUsers} from './users';

export const DURATIONS: Array<[string, string]> = [
    ['', "Don't clear"],
    ['thirty_minutes', '30 minutes'],
    ['one_hour', '1 hour'],
    ['four_hours', '4 hours'],
    ['today', 'Today'],
    ['this_week', 'This week'],
];

const MINUTE = 60_000;
const SPANS: Record<string, number> = {thirty_minutes: 30 * MINUTE, one_hour: 60 * MINUTE, four_hours: 240 * MINUTE};

/** When a status set now with this duration ends ("" for never), as the server wants it. */
export function expiresAt(duration: string, now = new Date()): string {
    if (SPANS[duration]) {
        return new Date(now.getTime() + SPANS[duration]).toISOString();
    }
    if (duration === 'today' || duration === 'this_week') {
        const end = new Date(now);
        end.setHours(23, 59, 59, 999);
        if (duration === 'this_week') {
            // The week ends on Sunday, as in Mattermost.
            end.setDate(end.getDate() + ((7 - end.getDay()) % 7));
        }
        return end.toISOString();
    }
    return '';
}

/** The status a person shows now: none once it has expired. */
export function customStatusOf(user: UserProfile | undefined): UserCustomStatus | null {
    const raw = (user?.props as Record<string, string> | undefined)?.customStatus;
    if (!raw) {
        return null;
    }
    try {
        const status = JSON.parse(raw) as UserCustomStatus;
        if (!status.emoji && !status.text) {
            return null;
        }
        if (status.duration && status.expires_at && Date.parse(status.expires_at) <= Date.now()) {
            return null;
        }
        return status;
    } catch {
        return null;
    }
}

function storeMine(status: UserCustomStatus | null): void {
    const me = getState().me;
    if (!me) {
        return;
    }
    const props = {...(me.props || {})} as Record<string, string>;
    if (status) {
        props.customStatus = JSON.stringify(status);
    } else {
        delete props.customStatus;
    }
    const updated = {...me, props} as UserProfile;
    setState({me: updated});
    rememberUsers([updated]);
}

export async function setCustomStatus(emoji: string, text: string, duration: string): Promise<void> {
    const status = {emoji: emoji || 'speech_balloon', text, duration, expires_at: expiresAt(duration)} as UserCustomStatus;
    await client.updateCustomStatus(status);
    storeMine(status);
}

export async function clearCustomStatus(): Promise<void> {
    await client.unsetCustomStatus();
    storeMine(null);
}

/** user_updated: someone's profile (and custom status) changed. */
export function onUserUpdated(user: UserProfile): void {
    const known = getState().users[user.id];
    // The event leaves out what the server keeps private; keep what we had.
    const merged = known ? {...known, ...user} : user;
    rememberUsers([merged]);
    if (user.id === getState().me?.id) {
        setState((s) => ({me: {...s.me!, ...user}}));
    }
}
