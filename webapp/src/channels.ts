// Teams and channels: the sidebar's lists, unread state, joining, creating, DMs.
import type {ChannelMembership} from '@mattermost/types/channels';
import {loadCategories} from './categories';
import {client, socket} from './client';
import {loadLatest, loadOlder} from './posts';
import {loadThreads} from './threads';
import {getState, noThreads, setState, withEntries, type Channel, type State, type TeamUnread} from './store';
import {ensureUsers, rememberUsers} from './users';

export async function loadTeams(): Promise<void> {
    setState({teams: await client.getMyTeams()});
}

export async function loadChannels(teamId: string): Promise<void> {
    const [channels, members] = await Promise.all([
        client.getMyChannels(teamId),
        client.getMyChannelMembers(teamId),
        // The sidebar falls back to plain lists if the categories cannot be had.
        loadCategories(teamId).catch(() => undefined),
    ]);
    setState((s) => {
        const fresh = withEntries({}, channels, (c) => c.id);
        // An archived channel being read without being a member of it (opened from
        // Browse channels) is in none of my lists: it stays while it is open.
        const open = s.channels[s.channelId];
        return {
            channels: open && !fresh[open.id] && !s.members[open.id] ? {...fresh, [open.id]: open} : fresh,
            members: withEntries({}, members, (m) => m.channel_id),
        };
    });
    const me = getState().me;
    const partners = channels.filter((c) => c.type === 'D').flatMap((c) => c.name.split('__'));
    void ensureUsers(partners.filter((id) => id !== me?.id));
}

export function unreadOf(channel: Channel, member: ChannelMembership | undefined): {unread: boolean; mentions: number} {
    if (!member) {
        return {unread: false, mentions: 0};
    }
    const total = channel.total_msg_count_root ?? channel.total_msg_count;
    const read = member.msg_count_root ?? member.msg_count;
    return {unread: total > read, mentions: member.mention_count_root ?? member.mention_count};
}

export async function enterTeam(teamName: string): Promise<string> {
    const {teams, teamId} = getState();
    const team = teams.find((t) => t.name === teamName);
    if (!team) {
        throw new Error(`You are not a member of the team "${teamName}".`);
    }
    if (team.id !== teamId) {
        setState((s) => ({
            teamId: team.id,
            channelId: '',
            windows: {},
            rhs: null,
            threads: noThreads(),
            categories: [],
            // The team left behind keeps the unread state its channels have now.
            teamUnreads: {...s.teamUnreads, ...(s.teamId ? {[s.teamId]: unreadInTeam(s)} : {}), [team.id]: {unread: false, mentions: 0}},
        }));
        await loadChannels(team.id);
        socket.updateActiveTeam(team.id);
        // The sidebar's Threads badge needs the totals; off the channel's critical path.
        void loadThreads().catch(() => undefined);
    }
    return team.id;
}

/** The channel named in the URL: one of mine, a public one joined on the way in, or an
 * archived one, opened to read without joining (nobody joins an archived channel). */
export async function openChannelByName(teamId: string, name: string): Promise<Channel> {
    let channel = Object.values(getState().channels).find((c) => c.name === name && (c.team_id === teamId || !c.team_id));
    if (!channel) {
        const found = (await client.getChannelByName(teamId, name, true)) as Channel;
        if (found.delete_at) {
            rememberArchived(found);
        } else {
            await joinChannel(found);
        }
        channel = found;
    }
    await showChannel(channel.id);
    return channel;
}

/** An archived channel I am not in, to read: known to the page, not to the sidebar
 * (which lists only channels I am a member of). */
export function rememberArchived(channel: Channel): void {
    setState((s) => ({channels: {...s.channels, [channel.id]: channel}}));
}

export async function openDirect(username: string): Promise<Channel> {
    const me = getState().me!;
    const other = await client.getUserByUsername(username);
    rememberUsers([other]);
    const channel = await client.createDirectChannel([me.id, other.id]);
    if (!getState().members[channel.id]) {
        await loadChannels(getState().teamId);
    }
    await showChannel(channel.id);
    return channel;
}

/** readUpTo of a channel opened with nothing unread: no "New messages" line. */
export const NOTHING_UNREAD = -1;

const CHANNEL_DIALOGS: readonly string[] = ['edit-channel', 'add-members', 'attach-file-bookmark'];

/** How many older pages to fetch, at most, to reach the first unread post. */
const MAX_PAGES_TO_FIRST_UNREAD = 5;

export async function showChannel(channelId: string): Promise<void> {
    const before = getState();
    const channel = before.channels[channelId];
    const member = before.members[channelId];
    // Where the "New messages" line goes: read up to here when opened, if anything is
    // unread. A channel never opened (just joined, say) is all history: start at the end.
    const readBefore = member && member.last_viewed_at > 0 ? member.last_viewed_at : 0;
    const readUpTo = channel && readBefore && unreadOf(channel, member).unread ? readBefore : NOTHING_UNREAD;
    setState((s) => ({
        channelId,
        view: 'channel',
        sidebarOpen: false,
        readUpTo: {...s.readUpTo, [channelId]: readUpTo},
        // Coming back to a channel marked unread reads it.
        markedUnread: s.markedUnread[channelId] ? {...s.markedUnread, [channelId]: false} : s.markedUnread,
        // A dialog about the channel being left must not go on to act on the next one.
        overlay: channelId !== s.channelId && CHANNEL_DIALOGS.includes(s.overlay) ? '' : s.overlay,
    }));
    socket.updateActiveChannel(channelId);
    if (!getState().windows[channelId]) {
        await loadLatest(channelId);
    }
    if (readUpTo !== NOTHING_UNREAD) {
        await reachFirstUnread(channelId, readUpTo);
    }
    // Left before its posts arrived: it has not been read. Nothing to mark in a channel
    // I only read (an archived one I was never in).
    if (getState().channelId === channelId && getState().members[channelId]) {
        await markViewed(channelId);
    }
}

let resolveFirstView: () => void = () => undefined;
const firstView = new Promise<void>((resolve) => {
    resolveFirstView = resolve;
});

/** The page has shown what its URL asked for (or failed to): deferred work may start. */
export function firstViewShown(): void {
    resolveFirstView();
}

/** Work that can wait for the first view (other teams' unread marks) waits for this. */
export function whenFirstViewShown(): Promise<void> {
    return firstView;
}

/** Page back until the window holds the first post after readUpTo (within a bound). */
async function reachFirstUnread(channelId: string, readUpTo: number): Promise<void> {
    for (let i = 0; i < MAX_PAGES_TO_FIRST_UNREAD; i++) {
        const {windows, posts} = getState();
        const window = windows[channelId];
        const oldest = window && posts[window.order[0]];
        if (!window || !window.hasOlder || !oldest || oldest.create_at <= readUpTo) {
            return;
        }
        await loadOlder(channelId);
    }
}

// As with statuses, a post event that lands while the counts are being fetched is
// newer than the fetched counts: that team keeps what the event made of it.
let teamEventCount = 0;
const lastTeamEvent = new Map<string, number>();

/** The open team's unread state, from its channels (direct messages belong to no team). */
function unreadInTeam(s: State): TeamUnread {
    let unread = false;
    let mentions = 0;
    for (const channel of Object.values(s.channels)) {
        if (channel.team_id && !channel.delete_at) {
            const counts = unreadOf(channel, s.members[channel.id]);
            unread ||= counts.unread;
            mentions += counts.mentions;
        }
    }
    return {unread, mentions};
}

/** Unread messages and mentions in my other teams, for the team switcher. */
export async function loadTeamUnreads(): Promise<void> {
    const startedAt = teamEventCount;
    const rows = await client.getMyTeamUnreads(true);
    setState((s) => ({
        teamUnreads: Object.fromEntries(rows.map((r) => {
            if ((lastTeamEvent.get(r.team_id) || 0) > startedAt && s.teamUnreads[r.team_id]) {
                return [r.team_id, s.teamUnreads[r.team_id]];
            }
            const unread = r.team_id === s.teamId ? {unread: false, mentions: 0} : {unread: (r.msg_count_root ?? r.msg_count) > 0, mentions: r.mention_count_root ?? r.mention_count};
            return [r.team_id, unread];
        })),
    }));
}

/** A post in a channel of another team arrived: mark that team in the switcher. */
export function noteOtherTeamPost(teamId: string, mentioned: boolean, isRoot: boolean): void {
    lastTeamEvent.set(teamId, ++teamEventCount);
    setState((s) => {
        const current = s.teamUnreads[teamId] || {unread: false, mentions: 0};
        return {teamUnreads: {...s.teamUnreads, [teamId]: {unread: current.unread || isRoot, mentions: current.mentions + (mentioned && isRoot ? 1 : 0)}}};
    });
}

/** Rename a channel, or change its URL name, header or purpose. */
export async function patchChannel(channelId: string, patch: Partial<Pick<Channel, 'display_name' | 'name' | 'header' | 'purpose'>>): Promise<Channel> {
    const channel = (await client.patchChannel(channelId, patch)) as Channel;
    setState((s) => (s.channels[channel.id] ? {channels: {...s.channels, [channel.id]: {...s.channels[channel.id], ...channel}}} : {}));
    return channel;
}

/** Archive a channel: it stays readable, takes no more posts, leaves the sidebar. */
export async function archiveChannel(channelId: string): Promise<void> {
    await client.deleteChannel(channelId);
    markArchived(channelId, Date.now());
}

/** Make a public channel private or a private one public (PUT /channels/{id}/privacy;
 * the server decides who may: Mattermost's channel and team admins). */
export async function convertChannel(channelId: string, type: 'O' | 'P'): Promise<void> {
    const channel = (await client.updateChannelPrivacy(channelId, type)) as Channel;
    setState((s) => (s.channels[channel.id] ? {channels: {...s.channels, [channel.id]: {...s.channels[channel.id], ...channel}}} : {}));
}

/** Bring an archived channel back (whoever manages the team): into the sidebar again
 * for its members. */
export async function restoreChannel(channelId: string): Promise<void> {
    await client.unarchiveChannel(channelId);
    markArchived(channelId, 0);
}

export function markArchived(channelId: string, at: number): void {
    setState((s) => (s.channels[channelId] ? {channels: {...s.channels, [channelId]: {...s.channels[channelId], delete_at: at}}} : {}));
}

const viewing = new Map<string, Promise<unknown>>();

/** Tell the server the channel has been read, and show it read at once. */
export async function markViewed(channelId: string): Promise<void> {
    markReadLocally(channelId);
    let pending = viewing.get(channelId);
    if (!pending) {
        pending = client.viewMyChannel(channelId).then((answer) => {
            const at = (answer as {last_viewed_at_times?: Record<string, number>}).last_viewed_at_times?.[channelId];
            if (at) {
                setState((s) => (s.members[channelId] ? {members: {...s.members, [channelId]: {...s.members[channelId], last_viewed_at: Math.max(s.members[channelId].last_viewed_at, at)}}} : {}));
            }
        }).finally(() => viewing.delete(channelId));
        viewing.set(channelId, pending);
    }
    await pending;
}

/** Counts read, and read up to the channel's last post (the server's clock, not ours). */
export function markReadLocally(channelId: string): void {
    setState((s) => {
        const channel = s.channels[channelId];
        const member = s.members[channelId];
        if (!channel || !member) {
            return {};
        }
        return {
            members: {
                ...s.members,
                [channelId]: {
                    ...member,
                    msg_count: channel.total_msg_count,
                    msg_count_root: channel.total_msg_count_root,
                    mention_count: 0,
                    mention_count_root: 0,
                    last_viewed_at: Math.max(member.last_viewed_at, channel.last_post_at),
                },
            },
        };
    });
}

export async function joinChannel(channel: Channel): Promise<void> {
    const me = getState().me!;
    await client.addToChannel(me.id, channel.id);
    await loadChannels(getState().teamId);
}

export async function createChannel(displayName: string, isPrivate: boolean): Promise<Channel> {
    const {teamId} = getState();
    const name = slug(displayName);
    const channel = await client.createChannel({
        team_id: teamId,
        name,
        display_name: displayName,
        type: isPrivate ? 'P' : 'O',
    } as Channel);
    await loadChannels(teamId);
    return channel;
}

export async function createGroup(userIds: string[]): Promise<Channel> {
    const me = getState().me!;
    const ids = [...new Set([me.id, ...userIds])];
    const channel = ids.length === 2 ? await client.createDirectChannel(ids) : await client.createGroupChannel(ids);
    await loadChannels(getState().teamId);
    return channel;
}

export function slug(text: string): string {
    const base = text
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 50);
    return base.length >= 2 ? base : `${base || 'c'}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Where a channel lives in the URL. */
export function channelPath(teamName: string, channel: Channel): string {
    if (channel.type === 'D') {
        const me = getState().me;
        const otherId = channel.name.split('__').find((id) => id !== me?.id) || me?.id || '';
        const user = getState().users[otherId];
        if (user) {
            return `/${teamName}/messages/@${user.username}`;
        }
    }
    if (channel.type === 'G' || channel.type === 'D') {
        return `/${teamName}/messages/${channel.name}`;
    }
    return `/${teamName}/channels/${channel.name}`;
}
