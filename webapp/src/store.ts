// The page's state: one object, replaced field by field, and a hook that re-renders a
// component when the fields it reads change.
import {useEffect, useState} from 'preact/hooks';
import type {ChannelCategory} from '@mattermost/types/channel_categories';
import type {Channel as BaseChannel, ChannelMembership} from '@mattermost/types/channels';
import type {CustomEmoji} from '@mattermost/types/emojis';
import type {Post} from '@mattermost/types/posts';
import type {Team} from '@mattermost/types/teams';
import type {UserProfile} from '@mattermost/types/users';
import type {UserThread} from '@mattermost/types/threads';

/** A channel as the server sends it, with the counters the sidebar compares. */
export type Channel = BaseChannel & {total_msg_count: number; total_msg_count_root: number};

export type PostWindow = {
    /** Post ids, oldest first. */
    order: string[];
    /** Whether older posts remain on the server. */
    hasOlder: boolean;
    loading: boolean;
};

export type Typist = {userId: string; until: number};

export type Overlay = '' | 'switcher' | 'browse' | 'new-channel' | 'new-dm' | 'edit-channel' | 'add-members' | 'settings'
    | 'new-category' | 'rename-category' | 'emoji-upload' | 'custom-status' | 'add-bookmark' | 'user-groups'
    | 'attach-file-bookmark';

export type MembersPanel = {
    kind: 'members';
    channelId: string;
    /** Member user ids in the order the server lists them; null while loading. */
    ids: string[] | null;
    hasMore: boolean;
};

export type Presence = 'online' | 'away' | 'dnd' | 'offline';

export type ThreadFilter = 'all' | 'unread' | 'mentions';

export type ThreadsState = {
    list: UserThread[];
    unreadThreads: number;
    unreadMentions: number;
    loaded: boolean;
    filter: ThreadFilter;
    /** Whether the server has older threads for this filter. */
    hasMore: boolean;
    loadingMore: boolean;
};

export const noThreads = (): ThreadsState => ({list: [], unreadThreads: 0, unreadMentions: 0, loaded: false, filter: 'all', hasMore: false, loadingMore: false});

/** Another team's unread state, for the team switcher. */
export type TeamUnread = {unread: boolean; mentions: number};

export type State = {
    me: UserProfile | null;
    booted: boolean;
    /** MFA is enforced and I have none: the page offers only setting it up. */
    mfaRequired: boolean;
    teams: Team[];
    teamId: string;
    channelId: string;
    channels: Record<string, Channel>;
    members: Record<string, ChannelMembership>;
    users: Record<string, UserProfile>;
    posts: Record<string, Post>;
    windows: Record<string, PostWindow>;
    /** Thread replies by root id, oldest first. */
    threadReplies: Record<string, string[]>;
    /** Typists by "channelId:rootId". */
    typing: Record<string, Typist[]>;
    rhs: {kind: 'thread'; rootId: string} | {kind: 'search'; terms: string; ids: string[]; loading: boolean} | {kind: 'saved'; ids: string[]; loading: boolean} | MembersPanel | null;
    /** The open team's sidebar categories, in their order. */
    categories: ChannelCategory[];
    /** What the category dialogs act on: the category renamed, or a channel to move into a new one. */
    categoryTarget: {categoryId?: string; channelId?: string};
    /** Custom emoji by name. */
    customEmoji: Record<string, CustomEmoji>;
    /** Ids of the posts I saved (the flagged_post preference). */
    saved: Record<string, boolean>;
    /** Channels I marked unread while looking at them: they stay unread until I come back. */
    markedUnread: Record<string, boolean>;
    threads: ThreadsState;
    /** Presence by user id, for the people the page shows. */
    statuses: Record<string, Presence>;
    teamUnreads: Record<string, TeamUnread>;
    /** Per channel: read up to this time when it was opened (-1: nothing was unread),
     * where the "New messages" line goes. */
    readUpTo: Record<string, number>;
    view: 'channel' | 'threads';
    overlay: Overlay;
    /** The post being edited in place. */
    editing: string;
    connected: boolean;
    sidebarOpen: boolean;
    error: string;
    /** Something the person should know that is not an error (removed from a channel, ...). */
    notice: string;
};

export const initialState = (): State => ({
    me: null,
    booted: false,
    mfaRequired: false,
    teams: [],
    teamId: '',
    channelId: '',
    channels: {},
    members: {},
    users: {},
    posts: {},
    windows: {},
    threadReplies: {},
    typing: {},
    rhs: null,
    categories: [],
    categoryTarget: {},
    customEmoji: {},
    saved: {},
    markedUnread: {},
    threads: noThreads(),
    statuses: {},
    teamUnreads: {},
    readUpTo: {},
    view: 'channel',
    overlay: '',
    editing: '',
    connected: false,
    sidebarOpen: false,
    error: '',
    notice: '',
});

let state: State = initialState();
const listeners = new Set<() => void>();
let scheduled = false;

export function getState(): State {
    return state;
}

/** Merge a change into the state; listeners run once per animation frame at most. */
export function setState(change: Partial<State> | ((s: State) => Partial<State>)): void {
    const patch = typeof change === 'function' ? change(state) : change;
    state = {...state, ...patch};
    if (!scheduled) {
        scheduled = true;
        queueMicrotask(() => {
            scheduled = false;
            listeners.forEach((listener) => listener());
        });
    }
}

export function resetState(): void {
    state = initialState();
    setState({booted: true});
}

/** Re-render when the selected value changes (compared by identity). */
export function useSelector<T>(select: (s: State) => T): T {
    const [value, setValue] = useState(() => select(state));
    useEffect(() => {
        const check = () => setValue(() => select(state));
        listeners.add(check);
        check();
        return () => {
            listeners.delete(check);
        };
    }, [select]);
    return value;
}

export function useAppState(): State {
    return useSelector(whole);
}
const whole = (s: State) => s;

// Small immutable helpers for records held in the state.
export function withEntries<T>(record: Record<string, T>, items: T[], key: (item: T) => string): Record<string, T> {
    const next = {...record};
    for (const item of items) {
        next[key(item)] = item;
    }
    return next;
}

export function without<T>(record: Record<string, T>, id: string): Record<string, T> {
    const next = {...record};
    delete next[id];
    return next;
}
