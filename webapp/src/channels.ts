// Teams and channels: the sidebar's lists, unread state, joining, creating, DMs.
import type {ChannelMembership} from '@mattermost/types/channels';
import {client, socket} from './client';
import {loadLatest} from './posts';
import {loadThreads} from './threads';
import {getState, setState, withEntries, type Channel} from './store';
import {ensureUsers, rememberUsers} from './users';

export async function loadTeams(): Promise<void> {
    setState({teams: await client.getMyTeams()});
}

export async function loadChannels(teamId: string): Promise<void> {
    const [channels, members] = await Promise.all([client.getMyChannels(teamId), client.getMyChannelMembers(teamId)]);
    setState({
        channels: withEntries({}, channels, (c) => c.id),
        members: withEntries({}, members, (m) => m.channel_id),
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
        setState({teamId: team.id, channelId: '', windows: {}, rhs: null, threads: {list: [], unreadThreads: 0, unreadMentions: 0, loaded: false}});
        await loadChannels(team.id);
        socket.updateActiveTeam(team.id);
        // The sidebar's Threads badge needs the totals; off the channel's critical path.
        void loadThreads().catch(() => undefined);
    }
    return team.id;
}

/** The channel named in the URL: one of mine, or a public one joined on the way in. */
export async function openChannelByName(teamId: string, name: string): Promise<Channel> {
    let channel = Object.values(getState().channels).find((c) => c.name === name);
    if (!channel) {
        const found = await client.getChannelByName(teamId, name);
        await joinChannel(found);
        channel = found;
    }
    await showChannel(channel.id);
    return channel;
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

export async function showChannel(channelId: string): Promise<void> {
    setState({channelId, view: 'channel', sidebarOpen: false});
    socket.updateActiveChannel(channelId);
    if (!getState().windows[channelId]) {
        await loadLatest(channelId);
    }
    await markViewed(channelId);
}

let viewing: Promise<unknown> | null = null;

/** Tell the server the channel has been read, and show it read at once. */
export async function markViewed(channelId: string): Promise<void> {
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
                },
            },
        };
    });
    if (!viewing) {
        viewing = client.viewMyChannel(channelId).finally(() => {
            viewing = null;
        });
    }
    await viewing;
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
