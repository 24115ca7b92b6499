// Mark as unread: the channel reads as unread from a post on, here and in my other tabs.
import type {Post} from '@mattermost/types/posts';
import {client} from './client';
import {getState, setState} from './store';

type UnreadAt = {channel_id: string; msg_count: number; msg_count_root: number; mention_count: number; mention_count_root: number; last_viewed_at: number};

export async function markPostUnread(post: Post): Promise<void> {
    const me = getState().me!;
    const answer = (await client.markPostAsUnread(me.id, post.id)) as unknown as UnreadAt;
    applyUnread({...answer, channel_id: post.channel_id});
}

/** The server's counts after marking unread (an answer or a post_unread event). */
export function applyUnread(at: UnreadAt): void {
    setState((s) => {
        const member = s.members[at.channel_id];
        if (!member) {
            return {};
        }
        const looking = s.view === 'channel' && s.channelId === at.channel_id;
        return {
            members: {
                ...s.members,
                [at.channel_id]: {
                    ...member,
                    msg_count: at.msg_count,
                    msg_count_root: at.msg_count_root,
                    mention_count: at.mention_count,
                    mention_count_root: at.mention_count_root,
                    last_viewed_at: at.last_viewed_at,
                },
            },
            // Where the "New messages" line goes now; looking at the channel does not
            // read it again until I leave and come back.
            readUpTo: {...s.readUpTo, [at.channel_id]: at.last_viewed_at},
            markedUnread: looking ? {...s.markedUnread, [at.channel_id]: true} : s.markedUnread,
        };
    });
}
