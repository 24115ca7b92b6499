// A channel's members: listing them, adding people, removing them, leaving.
import {client} from './client';
import {loadChannels} from './channels';
import {loadStatuses} from './presence';
import {getState, setState, type MembersPanel} from './store';
import {rememberUsers} from './users';

export const MEMBERS_PAGE = 100;
/** The server takes at most this many people in one add. */
export const MAX_ADD_AT_ONCE = 256;

export function membersPanel(): MembersPanel | null {
    const rhs = getState().rhs;
    return rhs?.kind === 'members' ? rhs : null;
}

export async function openMembers(channelId: string): Promise<void> {
    setState({rhs: {kind: 'members', channelId, ids: null, hasMore: false}});
    await loadMembers(channelId, 0);
}

/** A page of members (page 0 replaces the list), with their statuses. */
export async function loadMembers(channelId: string, page: number): Promise<void> {
    const users = await client.getProfilesInChannel(channelId, page, MEMBERS_PAGE);
    rememberUsers(users);
    void loadStatuses(users.map((u) => u.id)).catch(() => undefined);
    setState((s) => {
        if (s.rhs?.kind !== 'members' || s.rhs.channelId !== channelId) {
            return {};
        }
        const before = page === 0 ? [] : s.rhs.ids || [];
        const ids = [...before, ...users.map((u) => u.id).filter((id) => !before.includes(id))];
        return {rhs: {...s.rhs, ids, hasMore: users.length >= MEMBERS_PAGE}};
    });
}

/** After someone joined or left: the open list again, from the start. */
export function refreshMembers(channelId: string): void {
    if (membersPanel()?.channelId === channelId) {
        void loadMembers(channelId, 0).catch(() => undefined);
    }
}

export async function addMembers(channelId: string, userIds: string[]): Promise<void> {
    if (!userIds.length || userIds.length > MAX_ADD_AT_ONCE) {
        throw new Error(`Add between 1 and ${MAX_ADD_AT_ONCE} people at once.`);
    }
    await client.addToChannels(userIds, channelId);
    refreshMembers(channelId);
}

export async function removeMember(channelId: string, userId: string): Promise<void> {
    await client.removeFromChannel(userId, channelId);
    refreshMembers(channelId);
}

/** Leave the channel; the caller moves the page elsewhere. */
export async function leaveChannel(channelId: string): Promise<void> {
    const {me, teamId} = getState();
    await client.removeFromChannel(me!.id, channelId);
    setState((s) => ({rhs: s.rhs?.kind === 'members' && s.rhs.channelId === channelId ? null : s.rhs}));
    await loadChannels(teamId);
}
