// Saved messages: the flagged_post preference, one per post, as Mattermost keeps them.
import type {PreferenceType} from '@mattermost/types/preferences';
import {client} from './client';
import {rememberPosts} from './posts';
import {getState, setState} from './store';

const CATEGORY = 'flagged_post';
const PER_PAGE = 60;

export async function loadSaved(): Promise<void> {
    const prefs = (await client.getMyPreferences()) as unknown as PreferenceType[];
    setState({saved: Object.fromEntries(prefs.filter((p) => p.category === CATEGORY && p.value === 'true').map((p) => [p.name, true]))});
}

const pref = (userId: string, postId: string): PreferenceType => ({user_id: userId, category: CATEGORY, name: postId, value: 'true'});

export async function setSaved(postId: string, save: boolean): Promise<void> {
    const me = getState().me!;
    if (save) {
        await client.savePreferences(me.id, [pref(me.id, postId)]);
    } else {
        await client.deletePreferences(me.id, [pref(me.id, postId)]);
    }
    applySaved([postId], save);
}

function applySaved(ids: string[], save: boolean): void {
    setState((s) => {
        const saved = {...s.saved};
        for (const id of ids) {
            if (save) {
                saved[id] = true;
            } else {
                delete saved[id];
            }
        }
        // The open list follows: an unsaved post leaves it (a saved one arrives on the next open).
        const rhs = s.rhs?.kind === 'saved' && !save ? {...s.rhs, ids: s.rhs.ids.filter((id) => !ids.includes(id))} : s.rhs;
        return {saved, rhs};
    });
}

/** The "Saved messages" panel: newest first, across every channel. */
export async function openSaved(): Promise<void> {
    const me = getState().me!;
    setState({rhs: {kind: 'saved', ids: [], loading: true}});
    const list = await client.getFlaggedPosts(me.id, '', '', 0, PER_PAGE);
    const posts = list.order.map((id) => list.posts[id]).filter(Boolean);
    rememberPosts(posts);
    setState((s) => (s.rhs?.kind === 'saved' ? {rhs: {kind: 'saved', ids: posts.map((p) => p.id), loading: false}} : {}));
}

/** preferences_changed / preferences_deleted: saved or unsaved in another tab. */
export function onPreferences(raw: unknown, changed: boolean): void {
    const prefs = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PreferenceType[] | null;
    const ids = (prefs || []).filter((p) => p.category === CATEGORY).map((p) => p.name);
    if (ids.length) {
        applySaved(ids, changed);
    }
}
