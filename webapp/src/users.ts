// Profiles of everyone the page shows, fetched in batches as posts and typists appear.
import type {UserProfile} from '@mattermost/types/users';
import {client} from './client';
import {loadStatuses} from './presence';
import {getState, setState, withEntries} from './store';

const inFlight = new Set<string>();

export function rememberUsers(users: UserProfile[]): void {
    setState((s) => ({users: withEntries(s.users, users, (u) => u.id)}));
    // Everyone shown gets a presence dot: fetch the statuses not known yet.
    const statuses = getState().statuses;
    const unknown = users.map((u) => u.id).filter((id) => !statuses[id]);
    if (unknown.length) {
        void loadStatuses(unknown).catch(() => undefined);
    }
}

export async function ensureUsers(ids: Iterable<string>): Promise<void> {
    const known = getState().users;
    const missing = [...new Set(ids)].filter((id) => id && !known[id] && !inFlight.has(id));
    if (!missing.length) {
        return;
    }
    missing.forEach((id) => inFlight.add(id));
    try {
        rememberUsers(await client.getProfilesByIds(missing));
    } finally {
        missing.forEach((id) => inFlight.delete(id));
    }
}

export function displayName(user: UserProfile | undefined): string {
    if (!user) {
        return 'someone';
    }
    return user.username;
}

/** What the sidebar calls a DM or group channel: the other people in it. */
export function channelTitle(channel: {type: string; name: string; display_name: string}): string {
    const {me, users} = getState();
    if (channel.type === 'D') {
        const otherId = channel.name.split('__').find((id) => id !== me?.id) || me?.id || '';
        return users[otherId]?.username || channel.display_name || 'direct message';
    }
    return channel.display_name || channel.name;
}

export function dmPartnerId(channelName: string): string {
    const me = getState().me;
    return channelName.split('__').find((id) => id !== me?.id) || me?.id || '';
}
