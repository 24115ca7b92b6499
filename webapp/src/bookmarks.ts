// Channel bookmarks (links and files pinned under a channel's header, Mattermost's
// bookmarks API): read when a channel opens, read again on the channel's
// channel_bookmark_* events, added and removed by its members.
import type {ChannelBookmark} from '@mattermost/types/channel_bookmarks';
import {useEffect, useState} from 'preact/hooks';
import {client, socket} from './client';

const EVENTS = new Set(['channel_bookmark_created', 'channel_bookmark_updated', 'channel_bookmark_deleted', 'channel_bookmark_sorted']);

function ordered(list: ChannelBookmark[]): ChannelBookmark[] {
    return list.filter((b) => !b.delete_at).sort((a, b) => a.sort_order - b.sort_order || a.create_at - b.create_at);
}

/** The open channel's bookmarks, kept in step with its events (null while loading). */
export function useBookmarks(channelId: string): ChannelBookmark[] | null {
    const [list, setList] = useState<ChannelBookmark[] | null>(null);
    useEffect(() => {
        let stale = false;
        const load = () => client.getChannelBookmarks(channelId).then(
            (found) => !stale && setList(ordered(found)),
            () => !stale && setList([]),
        );
        setList(null);
        void load();
        const listener = (message: unknown) => {
            const msg = message as {event: string; broadcast?: {channel_id?: string}};
            if (EVENTS.has(msg.event) && msg.broadcast?.channel_id === channelId) {
                void load();
            }
        };
        socket.addMessageListener(listener);
        return () => {
            stale = true;
            socket.removeMessageListener(listener);
        };
    }, [channelId]);
    return list;
}

export function addLinkBookmark(channelId: string, displayName: string, url: string): Promise<ChannelBookmark> {
    return client.createChannelBookmark(channelId, {type: 'link', display_name: displayName, link_url: url} as never, '');
}

/** Upload a file to the channel (as a bookmark's: Mattermost's ``?bookmark=true``),
 * then pin it: the server gives the upload to the bookmark, so no post can take it. */
export async function addFileBookmark(channelId: string, file: File, displayName: string): Promise<ChannelBookmark> {
    const form = new FormData();
    form.append('channel_id', channelId);
    form.append('client_ids', `${Date.now()}${Math.random()}`);
    form.append('files', file, file.name);
    const uploaded = await client.uploadFile(form, true);
    const info = uploaded.file_infos[0];
    return client.createChannelBookmark(channelId, {type: 'file', display_name: displayName || file.name, file_id: info.id}, '');
}

export function removeBookmark(channelId: string, bookmarkId: string): Promise<ChannelBookmark> {
    return client.deleteChannelBookmark(channelId, bookmarkId, '');
}

/** Where a bookmark leads: its link, or its file through the files API. */
export function bookmarkHref(b: ChannelBookmark): string {
    return b.type === 'file' && b.file_id ? `/api/v4/files/${b.file_id}?download=1` : b.link_url || '#';
}
