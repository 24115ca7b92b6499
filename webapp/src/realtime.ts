// WebSocket events into the state, and a resync after every reconnect (events may
// have been missed while the socket was down).
import type {Post} from '@mattermost/types/posts';
import type {UserThread} from '@mattermost/types/threads';
import {socket} from './client';
import {channelPath, loadChannels, loadTeams, loadTeamUnreads, markArchived, markReadLocally, markViewed, noteOtherTeamPost} from './channels';
import {refreshMembers} from './channelMembers';
import {applyStatus, loadStatuses} from './presence';
import {navigate} from './router';
import {addPost, applyReaction, loadLatest, loadThread, removePost, updatePost} from './posts';
import {getState, setState, type Channel} from './store';
import {loadThreads, markThreadRead, matchesFilter} from './threads';
import {notifyAboutPost, wantsDesktop} from './notifications';
import {onCategoryEvent} from './categories';
import {listenForDialogs} from './dialogs';
import {onEmojiAdded} from './customEmoji';
import {onUserUpdated} from './customStatus';
import {applyUnread} from './postUnread';
import {onPreferences} from './saved';
import {loadAfterFirstView} from './session';
import {channelTitle, ensureUsers} from './users';

type Message = {event: string; data: Record<string, any>; broadcast: Record<string, any>};

const TYPING_MS = 5000;
let connected = false;

export function connectRealtime(): void {
    if (connected) {
        return;
    }
    connected = true;
    socket.addMessageListener((msg) => handle(msg as Message));
    listenForDialogs();
    socket.addFirstConnectListener(() => {
        setState({connected: true});
        refreshMyStatus();
    });
    socket.addReconnectListener(() => {
        setState({connected: true});
        refreshMyStatus();
        void resync();
    });
    socket.addMissedMessageListener(() => void resync());
    socket.addCloseListener(() => setState({connected: false}));
}

/** The socket opening makes me online unless I chose otherwise: ask which. */
function refreshMyStatus(): void {
    const me = getState().me;
    if (me) {
        void loadStatuses([me.id]).catch(() => undefined);
    }
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function handle(msg: Message): void {
    const {data, broadcast} = msg;
    switch (msg.event) {
    case 'posted':
        onPosted(json<Post>(data.post), data);
        break;
    case 'post_edited':
        updatePost(json<Post>(data.post));
        break;
    case 'post_deleted':
        removePost(json<Post>(data.post));
        break;
    case 'reaction_added':
    case 'reaction_removed':
        applyReaction(json(data.reaction), msg.event === 'reaction_added');
        break;
    case 'typing':
        onTyping(broadcast.channel_id, data.parent_id || '', data.user_id);
        break;
    case 'channel_viewed':
        if (data.channel_id) {
            markReadLocally(data.channel_id);
        }
        break;
    case 'multiple_channels_viewed':
        // Read in another tab or device.
        for (const channelId of Object.keys(json<Record<string, number>>(data.channel_times || {}))) {
            markReadLocally(channelId);
        }
        break;
    case 'channel_updated':
        if (data.channel) {
            const channel = json<Channel>(data.channel);
            const before = getState().channels[channel.id];
            setState((s) => (s.channels[channel.id] ? {channels: {...s.channels, [channel.id]: {...s.channels[channel.id], ...channel}}} : {}));
            followRename(before, channel);
        }
        break;
    case 'status_change':
        if (data.user_id) {
            applyStatus(data.user_id, data.status);
        }
        break;
    case 'user_removed':
        onUserRemoved(data.channel_id || broadcast.channel_id, data.user_id || broadcast.user_id, data.remover_id);
        break;
    case 'channel_deleted':
        onChannelDeleted(data.channel_id || broadcast.channel_id);
        break;
    case 'channel_restored':
        onChannelRestored(data.channel_id || broadcast.channel_id);
        break;
    case 'user_added':
        refreshMembers(broadcast.channel_id);
        if (getState().teamId) {
            void loadChannels(getState().teamId);
        }
        break;
    case 'channel_created':
    case 'direct_added':
    case 'group_added':
        if (getState().teamId) {
            void loadChannels(getState().teamId);
        }
        break;
    case 'added_to_team':
    case 'leave_team':
        void loadTeams();
        break;
    case 'update_team':
        if (typeof data.team === 'string') {
            // A new name or icon: the strip and the header follow.
            // The event leaves out what only admins may see (invite id, email): keep ours.
            const {invite_id: _invite, email: _email, ...team} = json<{id: string; invite_id?: string; email?: string}>(data.team);
            setState((s) => ({teams: s.teams.map((t) => (t.id === team.id ? {...t, ...team} : t))}));
        }
        break;
    case 'sidebar_category_created':
    case 'sidebar_category_updated':
    case 'sidebar_category_deleted':
    case 'sidebar_category_order_updated':
        onCategoryEvent(msg.event, data, broadcast.team_id || '');
        break;
    case 'emoji_added':
        if (data.emoji) {
            onEmojiAdded(json(data.emoji));
        }
        break;
    case 'user_updated':
        if (data.user) {
            onUserUpdated(json(data.user));
        }
        break;
    case 'post_unread':
        if (data.channel_id) {
            applyUnread(data as Parameters<typeof applyUnread>[0]);
        }
        break;
    case 'preferences_changed':
    case 'preferences_deleted':
        onPreferences(data.preferences, msg.event === 'preferences_changed');
        break;
    case 'thread_updated':
        onThreadUpdated(json<UserThread>(data.thread));
        break;
    case 'thread_read_changed':
        if (data.thread_id) {
            onThreadRead(data.thread_id, data.unread_replies || 0, data.unread_mentions || 0);
        } else if (getState().threads.loaded) {
            void loadThreads();
        }
        break;
    case 'thread_follow_changed':
        if (getState().threads.loaded) {
            void loadThreads();
        }
        break;
    }
}

function onPosted(post: Post, data: Record<string, any>): void {
    const s = getState();
    addPost(post);
    clearTyping(post.channel_id, post.root_id, post.user_id);
    const channel = s.channels[post.channel_id];
    const isRoot = !post.root_id;
    const mentions: string[] = data.mentions ? json(data.mentions) : [];
    const mentioned = Boolean(s.me && mentions.includes(s.me.id));
    if (wantsDesktop(post, mentioned, data.channel_type === 'D')) {
        notifyAboutPost(post, channel ? channelTitle(channel) : String(data.channel_display_name || ''), String(data.sender_name || '').replace(/^@/, ''), () => openPostChannel(data));
    }
    if (!channel) {
        if (data.team_id && data.team_id !== s.teamId) {
            if (post.user_id !== s.me?.id) {
                noteOtherTeamPost(data.team_id, mentioned, isRoot);
            }
        } else if (s.teamId) {
            void loadChannels(s.teamId);
        }
        return;
    }
    setState((st) => {
        const c = st.channels[post.channel_id];
        const m = st.members[post.channel_id];
        const channels = {
            ...st.channels,
            [c.id]: {
                ...c,
                total_msg_count: c.total_msg_count + 1,
                total_msg_count_root: (c.total_msg_count_root ?? 0) + (isRoot ? 1 : 0),
                last_post_at: post.create_at,
            },
        };
        if (!m || post.user_id !== st.me?.id) {
            const members = m && mentioned ? {
                ...st.members,
                [c.id]: {...m, mention_count: m.mention_count + 1, mention_count_root: (m.mention_count_root ?? 0) + (isRoot ? 1 : 0)},
            } : st.members;
            return {channels, members};
        }
        // My own post reads the channel up to it.
        return {channels, members: {...st.members, [c.id]: {...m, msg_count: m.msg_count + 1, msg_count_root: (m.msg_count_root ?? 0) + (isRoot ? 1 : 0)}}};
    });
    if (s.view === 'channel' && s.channelId === post.channel_id && document.visibilityState === 'visible' && !s.markedUnread[post.channel_id]) {
        void markViewed(post.channel_id);
    }
    const rhs = getState().rhs;
    if (post.root_id && rhs?.kind === 'thread' && rhs.rootId === post.root_id && post.user_id !== s.me?.id) {
        void markThreadRead(post.root_id);
    }
}

function onThreadUpdated(thread: UserThread): void {
    setState((s) => {
        const list = s.threads.list.filter((t) => t.id !== thread.id);
        const old = s.threads.list.find((t) => t.id === thread.id);
        const wasUnread = old ? old.unread_replies > 0 : false;
        const isUnread = thread.unread_replies > 0;
        const listed = matchesFilter(thread, s.threads.filter) ? [thread, ...list] : list;
        return {
            threads: {
                ...s.threads,
                list: listed.sort((a, b) => b.last_reply_at - a.last_reply_at),
                unreadThreads: Math.max(0, s.threads.unreadThreads + (isUnread ? 1 : 0) - (wasUnread ? 1 : 0)),
                unreadMentions: Math.max(0, s.threads.unreadMentions + thread.unread_mentions - (old?.unread_mentions || 0)),
            },
        };
    });
    const post = (thread as unknown as {post?: Post}).post;
    if (post && 'id' in post) {
        void ensureUsers([post.user_id]);
        updatePost(post);
    }
}

function onThreadRead(threadId: string, unreadReplies: number, unreadMentions: number): void {
    setState((s) => {
        const old = s.threads.list.find((t) => t.id === threadId);
        if (!old) {
            return {};
        }
        const thread = {...old, unread_replies: unreadReplies, unread_mentions: unreadMentions};
        return {
            threads: {
                ...s.threads,
                list: s.threads.list.map((t) => (t.id === threadId ? thread : t)),
                unreadThreads: Math.max(0, s.threads.unreadThreads + (unreadReplies > 0 ? 1 : 0) - (old.unread_replies > 0 ? 1 : 0)),
                unreadMentions: Math.max(0, s.threads.unreadMentions + unreadMentions - old.unread_mentions),
            },
        };
    });
}

function openPostChannel(data: Record<string, any>): void {
    const s = getState();
    const team = s.teams.find((t) => t.id === (data.team_id || s.teamId));
    if (team && data.channel_name) {
        navigate(`/${team.name}/${data.channel_type === 'D' || data.channel_type === 'G' ? 'messages' : 'channels'}/${data.channel_name}`);
    }
}

/** The open channel moved to another URL: the address bar follows. */
function followRename(before: Channel | undefined, after: Channel): void {
    const s = getState();
    const team = s.teams.find((t) => t.id === s.teamId);
    if (before && team && before.name !== after.name && s.view === 'channel' && s.channelId === after.id) {
        navigate(channelPath(team.name, {...before, ...after}), true);
    }
}

function townSquarePath(): string {
    const s = getState();
    const team = s.teams.find((t) => t.id === s.teamId);
    return team ? `/${team.name}/channels/town-square` : '/';
}

function onUserRemoved(channelId: string, userId: string, removerId: string): void {
    const s = getState();
    if (userId && userId !== s.me?.id) {
        refreshMembers(channelId);
        return;
    }
    const channel = s.channels[channelId];
    if (channel && s.view === 'channel' && s.channelId === channelId && removerId !== s.me?.id) {
        setState({notice: `You were removed from ${channel.display_name}.`});
        navigate(townSquarePath());
    }
    if (s.teamId) {
        void loadChannels(s.teamId);
    }
}

function onChannelDeleted(channelId: string): void {
    const s = getState();
    const channel = s.channels[channelId];
    markArchived(channelId, Date.now());
    if (channel && s.view === 'channel' && s.channelId === channelId) {
        setState({notice: `${channel.display_name} was archived.`});
        navigate(townSquarePath());
    }
}

const typingTimers = new Map<string, number>();

function onTyping(channelId: string, rootId: string, userId: string): void {
    if (!channelId || userId === getState().me?.id) {
        return;
    }
    void ensureUsers([userId]);
    const key = `${channelId}:${rootId}`;
    setState((s) => {
        const others = (s.typing[key] || []).filter((t) => t.userId !== userId);
        return {typing: {...s.typing, [key]: [...others, {userId, until: Date.now() + TYPING_MS}]}};
    });
    const timerKey = `${key}:${userId}`;
    window.clearTimeout(typingTimers.get(timerKey));
    typingTimers.set(timerKey, window.setTimeout(() => clearTyping(channelId, rootId, userId), TYPING_MS));
}

function clearTyping(channelId: string, rootId: string, userId: string): void {
    const key = `${channelId}:${rootId || ''}`;
    setState((s) => (s.typing[key] ? {typing: {...s.typing, [key]: s.typing[key].filter((t) => t.userId !== userId)}} : {}));
}

/** After a gap: channels and counts afresh, the open channel's newest page, the open thread. */
export async function resync(): Promise<void> {
    const s = getState();
    if (!s.me || !s.teamId) {
        return;
    }
    setState({windows: s.channelId && s.windows[s.channelId] ? {[s.channelId]: s.windows[s.channelId]} : {}});
    await loadChannels(s.teamId);
    if (s.channelId) {
        const before = getState().windows[s.channelId];
        await loadLatest(s.channelId);
        // Keep the older pages already scrolled through when the new page overlaps them.
        setState((st) => {
            const latest = st.windows[s.channelId];
            if (!before || !latest || !latest.order.length) {
                return {};
            }
            const first = latest.order[0];
            const keep = before.order.indexOf(first);
            if (keep < 0) {
                return {};
            }
            return {windows: {...st.windows, [s.channelId]: {...latest, order: [...before.order.slice(0, keep), ...latest.order], hasOlder: before.hasOlder}}};
        });
    }
    if (s.rhs?.kind === 'thread') {
        await loadThread(s.rhs.rootId);
    }
    if (s.threads.loaded) {
        await loadThreads();
    }
    await loadTeamUnreads();
    await loadAfterFirstView();
}

/** A channel back from the archive: marked live, or (not known to this page, as after a
 * reload) the team's channels read again so it returns to the sidebar. */
function onChannelRestored(channelId: string): void {
    if (getState().channels[channelId]) {
        markArchived(channelId, 0);
    } else if (getState().teamId) {
        void loadChannels(getState().teamId).catch(() => undefined);
    }
}
