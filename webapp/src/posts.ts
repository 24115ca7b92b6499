// Posts: channel windows (newest 60, then older pages on scroll), threads, edits,
// deletes, reactions and sending.
import type {Post, PostList} from '@mattermost/types/posts';
import type {Reaction} from '@mattermost/types/reactions';
import {client} from './client';
import {getState, setState, without} from './store';
import {ensureUsers} from './users';

export const PAGE_SIZE = 60;

/** Oldest first, from a PostList (whose order is newest first). */
function oldestFirst(list: PostList): Post[] {
    return list.order.map((id) => list.posts[id]).filter(Boolean).reverse();
}

export function rememberPosts(posts: Post[]): void {
    if (!posts.length) {
        return;
    }
    setState((s) => {
        const next = {...s.posts};
        for (const post of posts) {
            const known = next[post.id];
            // An event can be older than what a later fetch brought.
            if (!known || post.update_at >= known.update_at) {
                next[post.id] = post;
            }
        }
        return {posts: next};
    });
    void ensureUsers(posts.map((p) => p.user_id));
}

// Posts that arrived live for a channel while its newest page was being fetched: the
// page, asked for before they were written, may not hold them, and without a window
// yet addPost has nowhere to put them. Kept only while a fetch is in flight.
const arrivedWhileLoading = new Map<string, Set<string>>();

export async function loadLatest(channelId: string): Promise<void> {
    const arrived = new Set<string>();
    arrivedWhileLoading.set(channelId, arrived);
    let list: PostList;
    try {
        list = await client.getPosts(channelId, 0, PAGE_SIZE, false, true);
    } finally {
        if (arrivedWhileLoading.get(channelId) === arrived) {
            arrivedWhileLoading.delete(channelId);
        }
    }
    const posts = oldestFirst(list);
    rememberPosts(posts);
    setState((s) => {
        const fetched = posts.map((p) => p.id);
        const have = new Set(fetched);
        const newest = posts.length ? posts[posts.length - 1].create_at : 0;
        // What came live meanwhile (into an old window, or waiting for this one) and is
        // newer than the page stays; the page itself replaces the rest.
        const live = [...(s.windows[channelId]?.order || []), ...arrived]
            .filter((id, i, all) => !have.has(id) && all.indexOf(id) === i)
            .map((id) => s.posts[id])
            .filter((p): p is Post => Boolean(p) && p.create_at >= newest && !p.delete_at)
            .sort((a, b) => a.create_at - b.create_at)
            .map((p) => p.id);
        return {
            windows: {
                ...s.windows,
                [channelId]: {order: [...fetched, ...live], hasOlder: list.order.length >= PAGE_SIZE, loading: false},
            },
        };
    });
}

export async function loadOlder(channelId: string): Promise<void> {
    const window = getState().windows[channelId];
    if (!window || window.loading || !window.hasOlder || !window.order.length) {
        return;
    }
    setState((s) => ({windows: {...s.windows, [channelId]: {...window, loading: true}}}));
    try {
        const list = await client.getPostsBefore(channelId, window.order[0], 0, PAGE_SIZE, false, true);
        const posts = oldestFirst(list);
        rememberPosts(posts);
        setState((s) => {
            const current = s.windows[channelId] || window;
            const seen = new Set(current.order);
            const older = posts.map((p) => p.id).filter((id) => !seen.has(id));
            return {
                windows: {
                    ...s.windows,
                    [channelId]: {order: [...older, ...current.order], hasOlder: list.order.length >= PAGE_SIZE, loading: false},
                },
            };
        });
    } catch (err) {
        setState((s) => ({windows: {...s.windows, [channelId]: {...window, loading: false}}}));
        throw err;
    }
}

/** A post that arrived (event or own send): into its channel window or its thread.
 * The same post arriving twice (the send's answer and its event, or a replay) counts once. */
export function addPost(post: Post): void {
    const seen = Boolean(getState().posts[post.id]);
    rememberPosts([post]);
    setState((s) => {
        if (post.root_id) {
            const replies = s.threadReplies[post.root_id];
            const root = s.posts[post.root_id];
            const patch: Partial<typeof s> = {};
            if (replies && !replies.includes(post.id)) {
                patch.threadReplies = {...s.threadReplies, [post.root_id]: [...replies, post.id]};
            }
            if (root && !seen) {
                const participants = (root.participants || []) as Array<{id: string}>;
                patch.posts = {
                    ...s.posts,
                    [root.id]: {
                        ...root,
                        reply_count: (root.reply_count || 0) + 1,
                        last_reply_at: post.create_at,
                        participants: participants.some((p) => p.id === post.user_id) ? participants : [...participants, {id: post.user_id}],
                    },
                };
            }
            return patch;
        }
        const window = s.windows[post.channel_id];
        if (!window) {
            arrivedWhileLoading.get(post.channel_id)?.add(post.id);
            return {};
        }
        if (window.order.includes(post.id)) {
            return {};
        }
        return {windows: {...s.windows, [post.channel_id]: {...window, order: [...window.order, post.id]}}};
    });
}

export function updatePost(post: Post): void {
    const known = getState().posts[post.id];
    // Keep what an edit event may leave out (thread counts on roots, reactions, files).
    rememberPosts([known ? {
        ...known,
        ...post,
        reply_count: post.reply_count ?? known.reply_count,
        metadata: {...known.metadata, ...post.metadata},
    } : post]);
}

export function removePost(post: Post): void {
    setState((s) => {
        const windows = {...s.windows};
        const window = windows[post.channel_id];
        if (window) {
            windows[post.channel_id] = {...window, order: window.order.filter((id) => id !== post.id)};
        }
        const threadReplies = {...s.threadReplies};
        if (post.root_id && threadReplies[post.root_id]) {
            threadReplies[post.root_id] = threadReplies[post.root_id].filter((id) => id !== post.id);
        }
        let posts = without(s.posts, post.id);
        const root = post.root_id ? posts[post.root_id] : undefined;
        if (root) {
            posts = {...posts, [root.id]: {...root, reply_count: Math.max(0, (root.reply_count || 1) - 1)}};
        }
        const rhs = s.rhs?.kind === 'thread' && s.rhs.rootId === post.id ? null : s.rhs;
        return {windows, threadReplies, posts, rhs};
    });
}

export function applyReaction(reaction: Reaction, added: boolean): void {
    setState((s) => {
        const post = s.posts[reaction.post_id];
        if (!post) {
            return {};
        }
        const others = (post.metadata?.reactions || []).filter(
            (r) => !(r.user_id === reaction.user_id && r.emoji_name === reaction.emoji_name),
        );
        const reactions = added ? [...others, reaction] : others;
        return {posts: {...s.posts, [post.id]: {...post, metadata: {...post.metadata, reactions}}}};
    });
}

export async function loadThread(rootId: string): Promise<void> {
    const list = await client.getPostThread(rootId, true, false);
    const posts = Object.values(list.posts).sort((a, b) => a.create_at - b.create_at || a.id.localeCompare(b.id));
    rememberPosts(posts);
    setState((s) => ({
        threadReplies: {...s.threadReplies, [rootId]: posts.filter((p) => p.id !== rootId).map((p) => p.id)},
    }));
}

export async function sendPost(channelId: string, rootId: string, message: string, fileIds: string[] = []): Promise<void> {
    const me = getState().me;
    if (!me) {
        return;
    }
    const post = await client.createPost({
        channel_id: channelId,
        root_id: rootId,
        message,
        file_ids: fileIds,
        pending_post_id: `${me.id}:${Date.now()}`,
    } as Partial<Post> as Post);
    addPost(post);
}

export async function editPost(post: Post, message: string): Promise<void> {
    updatePost(await client.patchPost({id: post.id, message}));
}

export async function deletePost(post: Post): Promise<void> {
    await client.deletePost(post.id);
    removePost(post);
}

export async function toggleReaction(post: Post, emojiName: string): Promise<void> {
    const me = getState().me;
    if (!me) {
        return;
    }
    const mine = (post.metadata?.reactions || []).some((r) => r.user_id === me.id && r.emoji_name === emojiName);
    if (mine) {
        await client.removeReaction(me.id, post.id, emojiName);
        applyReaction({user_id: me.id, post_id: post.id, emoji_name: emojiName, create_at: 0} as Reaction, false);
    } else {
        applyReaction(await client.addReaction(me.id, post.id, emojiName), true);
    }
}
