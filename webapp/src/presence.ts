// Presence: the status of everyone the page shows. The server sends status_change only
// to the person whose status changed (as Mattermost does: a broadcast to everyone would
// grow with the square of the users), so other people's statuses are fetched in
// batches: when they first appear, every minute, when the window regains focus, and
// when a members list opens.
import {client} from './client';
import {getState, setState, type Presence} from './store';

export const STATUS_REFRESH_MS = 60_000;
/** The server's cap on ids per request. */
const MAX_IDS_PER_CALL = 1000;
const FOCUS_REFRESH_GAP_MS = 5_000;

const PRESENCES: readonly string[] = ['online', 'away', 'dnd', 'offline'];

export function asPresence(value: unknown): Presence {
    return typeof value === 'string' && PRESENCES.includes(value) ? (value as Presence) : 'offline';
}

// A fetch can answer with what was true before an event that arrived first: the
// event wins. Each event takes a number; a fetch keeps only users with no event since
// it started.
let eventCount = 0;
const lastEventOf = new Map<string, number>();

/** A status_change event. */
export function applyStatus(userId: string, status: unknown): void {
    lastEventOf.set(userId, ++eventCount);
    setState((s) => ({statuses: {...s.statuses, [userId]: asPresence(status)}}));
}

/** Fetch the statuses of these people (all known people when none are named). */
export async function loadStatuses(ids?: Iterable<string>): Promise<void> {
    const wanted = [...new Set(ids || Object.keys(getState().users))].filter(Boolean);
    for (let i = 0; i < wanted.length; i += MAX_IDS_PER_CALL) {
        const startedAt = eventCount;
        const statuses = await client.getStatusesByIds(wanted.slice(i, i + MAX_IDS_PER_CALL));
        setState((s) => {
            const next = {...s.statuses};
            for (const status of statuses) {
                if ((lastEventOf.get(status.user_id) || 0) <= startedAt) {
                    next[status.user_id] = asPresence(status.status);
                }
            }
            return {statuses: next};
        });
    }
}

let timer = 0;
let lastRefresh = 0;

function refresh(): void {
    if (!getState().me) {
        return;
    }
    lastRefresh = Date.now();
    void loadStatuses().catch(() => undefined);
}

function onFocus(): void {
    if (Date.now() - lastRefresh > FOCUS_REFRESH_GAP_MS) {
        refresh();
    }
}

/** Keep statuses fresh while signed in. */
export function startPresence(): void {
    // No fetch now: my own status is asked for when the socket connects, other people's
    // as their profiles arrive.
    stopPresence();
    lastRefresh = Date.now();
    timer = window.setInterval(refresh, STATUS_REFRESH_MS);
    window.addEventListener('focus', onFocus);
}

export function stopPresence(): void {
    window.clearInterval(timer);
    window.removeEventListener('focus', onFocus);
}

/** Choose my own status; "online" hands it back to automatic tracking. */
export async function setMyStatus(status: Presence): Promise<void> {
    const me = getState().me;
    if (!me) {
        return;
    }
    const saved = await client.updateStatus({user_id: me.id, status} as Parameters<typeof client.updateStatus>[0]);
    setState((s) => ({statuses: {...s.statuses, [me.id]: asPresence(saved.status)}}));
}
