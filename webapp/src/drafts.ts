// Unsent text per channel and thread, kept by the server (/drafts) so it survives
// switching channels, reloading and moving to another device. The page keeps a copy
// by "channelId:rootId" so a composer opens with its draft at once.
import type {Draft} from '@mattermost/types/drafts';
import {whenFirstViewShown} from './channels';
import {client, socket} from './client';
import {getState} from './store';

/** How long typing pauses before the draft is saved. */
export const SAVE_AFTER_MS = 600;

const texts = new Map<string, string>();
/** Drafts the server holds (so an emptied box deletes one, and only then). */
const onServer = new Set<string>();
const loadedTeams = new Map<string, Promise<void>>();
let listening = false;

export const draftKey = (channelId: string, rootId: string) => `${channelId}:${rootId}`;

export function draftFor(channelId: string, rootId: string): string {
    return texts.get(draftKey(channelId, rootId)) || '';
}

function remember(draft: Draft): void {
    const key = draftKey(draft.channel_id, draft.root_id || '');
    if (draft.message) {
        texts.set(key, draft.message);
        onServer.add(key);
    }
}

function forget(channelId: string, rootId: string): void {
    const key = draftKey(channelId, rootId);
    texts.delete(key);
    onServer.delete(key);
}

/** The team's drafts, once per team and page (later changes arrive as events). */
export function loadDrafts(teamId: string): Promise<void> {
    listen();
    let loading = loadedTeams.get(teamId);
    if (!loading) {
        // After the first view: the channel's posts come first on a page load.
        loading = whenFirstViewShown().then(() => client.getUserDrafts(teamId)).then(
            (drafts) => drafts.forEach(remember),
            () => {
                loadedTeams.delete(teamId); // tried again by the next composer
            },
        );
        loadedTeams.set(teamId, loading);
    }
    return loading;
}

/** My other tabs and devices saving or sending a draft. */
function listen(): void {
    if (listening) {
        return;
    }
    listening = true;
    socket.addMessageListener((event) => {
        const msg = event as {event: string; data: Record<string, unknown>};
        if (!msg.event.startsWith('draft_') || !msg.data?.draft) {
            return;
        }
        const raw = msg.data.draft;
        const draft = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Draft;
        if (msg.event === 'draft_deleted') {
            forget(draft.channel_id, draft.root_id || '');
        } else {
            remember(draft);
        }
    });
}

/** Keep the text now; the server gets it when saveDraft is called (after a pause). */
export function keepDraft(channelId: string, rootId: string, message: string): void {
    const key = draftKey(channelId, rootId);
    if (message.trim()) {
        texts.set(key, message);
    } else {
        texts.delete(key);
    }
}

/** Server calls for one draft, one after another: a send's delete never overtakes
 * the save typed just before it. */
const queues = new Map<string, Promise<void>>();

function inOrder(key: string, call: () => Promise<unknown>): Promise<void> {
    const next = (queues.get(key) || Promise.resolve()).then(call, call).then(() => undefined);
    queues.set(key, next.catch(() => undefined));
    return next;
}

export function saveDraft(channelId: string, rootId: string, message: string, fileIds: string[] = []): Promise<void> {
    const me = getState().me;
    keepDraft(channelId, rootId, message);
    const key = draftKey(channelId, rootId);
    if (!me) {
        return Promise.resolve();
    }
    if (!message.trim() && !fileIds.length) {
        if (!onServer.has(key)) {
            return Promise.resolve();
        }
        onServer.delete(key);
        return inOrder(key, () => client.deleteDraft(channelId, rootId, ''));
    }
    onServer.add(key);
    return inOrder(key, () => client.upsertDraft({
        user_id: me.id,
        channel_id: channelId,
        root_id: rootId,
        message,
        props: {},
        file_ids: fileIds,
        create_at: 0,
        update_at: 0,
        delete_at: 0,
    }, ''));
}

/** After a send: the draft is gone here and on the server. */
export function clearDraft(channelId: string, rootId: string): Promise<void> {
    const key = draftKey(channelId, rootId);
    const saved = onServer.has(key);
    forget(channelId, rootId);
    return saved ? inOrder(key, () => client.deleteDraft(channelId, rootId, '')) : Promise.resolve();
}
