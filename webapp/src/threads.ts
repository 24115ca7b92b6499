// Collapsed reply threads: the right-hand panel and the Threads view.
import {client} from './client';
import {loadThread} from './posts';
import {getState, setState} from './store';
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

export async function loadThreads(): Promise<void> {
    const {teamId} = getState();
    if (!teamId) {
        return;
    }
    const result = await client.getUserThreads('me', teamId, {perPage: 50, extended: true});
    const users = result.threads.flatMap((t) => [
        (t.post as {user_id: string}).user_id,
        ...t.participants.map((p) => p.id),
    ]);
    void ensureUsers(users);
    const posts = result.threads.map((t) => t.post).filter((p): p is typeof p & {id: string} => 'id' in p);
    setState((s) => ({
        posts: {...s.posts, ...Object.fromEntries(posts.map((p) => [p.id, p]))},
        threads: {
            list: result.threads,
            unreadThreads: result.total_unread_threads,
            unreadMentions: result.total_unread_mentions,
            loaded: true,
        },
    }));
}
