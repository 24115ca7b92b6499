// Collapsed reply threads: the right-hand panel and the Threads view.
import {client} from './client';
import {loadThread} from './posts';
import type {Post} from '@mattermost/types/posts';
import type {UserThread} from '@mattermost/types/threads';
import {getState, setState, type ThreadFilter} from './store';
import {ensureUsers} from './users';

export async function openThread(rootId: string): Promise<void> {
    setState({rhs: {kind: 'thread', rootId}});
    await loadThread(rootId);
    await markThreadRead(rootId);
}

export async function markThreadRead(rootId: string): Promise<void> {
    const {me, teamId} = getState();
    if (!me || !teamId) {
        return;
    }
    try {
        await client.updateThreadReadForUser(me.id, teamId, rootId, Date.now());
    } catch {
        // Not following the thread yet (a root nobody replied to): nothing to mark.
        return;
    }
    setState((s) => {
        const thread = s.threads.list.find((t) => t.id === rootId);
        if (!thread || (!thread.unread_replies && !thread.unread_mentions)) {
            return {};
        }
        return {
            threads: {
                ...s.threads,
                list: s.threads.list.map((t) => (t.id === rootId ? {...t, unread_replies: 0, unread_mentions: 0, last_viewed_at: Date.now()} : t)),
                unreadThreads: Math.max(0, s.threads.unreadThreads - (thread.unread_replies > 0 ? 1 : 0)),
                unreadMentions: Math.max(0, s.threads.unreadMentions - thread.unread_mentions),
            },
        };
    });
}

export const THREADS_PAGE = 25;

/** Whether a thread belongs in the list under a filter. */
export function matchesFilter(thread: UserThread, filter: ThreadFilter): boolean {
    if (filter === 'unread') {
        return thread.unread_replies > 0 || thread.unread_mentions > 0;
    }
    if (filter === 'mentions') {
        return thread.unread_mentions > 0;
    }
    return true;
}

/** The first page of followed threads under a filter (the current one by default). */
export async function loadThreads(filter?: ThreadFilter): Promise<void> {
    const {teamId} = getState();
    if (!teamId) {
        return;
    }
    const chosen = filter || getState().threads.filter;
    const page = await fetchPage(teamId, chosen, '');
    setState((s) => ({
        threads: {
            ...s.threads,
            list: page.threads,
            unreadThreads: page.unreadThreads,
            unreadMentions: page.unreadMentions,
            loaded: true,
            filter: chosen,
            hasMore: page.hasMore,
            loadingMore: false,
        },
    }));
}

/** The next page, older than the last thread listed. */
export async function loadMoreThreads(): Promise<void> {
    const {teamId, threads} = getState();
    const last = threads.list[threads.list.length - 1];
    if (!teamId || !last || !threads.hasMore || threads.loadingMore) {
        return;
    }
    setState((s) => ({threads: {...s.threads, loadingMore: true}}));
    try {
        const page = await fetchPage(teamId, threads.filter, last.id);
        setState((s) => {
            if (s.threads.filter !== threads.filter) {
                return {threads: {...s.threads, loadingMore: false}};
            }
            const seen = new Set(s.threads.list.map((t) => t.id));
            return {
                threads: {
                    ...s.threads,
                    list: [...s.threads.list, ...page.threads.filter((t) => !seen.has(t.id))],
                    hasMore: page.hasMore,
                    loadingMore: false,
                },
            };
        });
    } catch (err) {
        setState((s) => ({threads: {...s.threads, loadingMore: false}}));
        throw err;
    }
}

type ThreadPage = {threads: UserThread[]; unreadThreads: number; unreadMentions: number; hasMore: boolean};

/** Unread pages read at most, looking for threads that mention me. */
const MAX_MENTION_PAGES = 8;

async function fetchPage(teamId: string, filter: ThreadFilter, before: string): Promise<ThreadPage> {
    // The server filters unread threads; mentions are the unread ones that mention me,
    // so that filter reads on until it has a page of them or reaches the end.
    const found: UserThread[] = [];
    let cursor = before;
    for (let pages = 0; ; pages++) {
        const result = await client.getUserThreads('me', teamId, {perPage: THREADS_PAGE, extended: true, unread: filter !== 'all', before: cursor});
        remember(result.threads);
        found.push(...result.threads.filter((t) => matchesFilter(t, filter)));
        const hasMore = result.threads.length >= THREADS_PAGE;
        if (filter !== 'mentions' || !hasMore || found.length >= THREADS_PAGE || pages + 1 >= MAX_MENTION_PAGES) {
            return {threads: found, unreadThreads: result.total_unread_threads, unreadMentions: result.total_unread_mentions, hasMore};
        }
        cursor = result.threads[result.threads.length - 1].id;
    }
}

/** The root posts and the people of listed threads. */
function remember(threads: UserThread[]): void {
    void ensureUsers(threads.flatMap((t) => [(t.post as {user_id: string}).user_id, ...t.participants.map((p) => p.id)]));
    const posts = threads.map((t) => t.post).filter((p): p is Post => 'id' in p);
    setState((s) => ({posts: {...s.posts, ...Object.fromEntries(posts.map((p) => [p.id, p]))}}));
}
