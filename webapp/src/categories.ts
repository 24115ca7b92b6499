// Sidebar categories, as the server keeps them per person and team: Favorites, custom
// ones, Channels and Direct Messages, in their order, each with its channels.
import type {ChannelCategory} from '@mattermost/types/channel_categories';
import {client} from './client';
import {getState, setState, type Channel, type State} from './store';
import {channelTitle} from './users';

const isDirect = (c: Channel) => c.type === 'D' || c.type === 'G';

export async function loadCategories(teamId: string): Promise<void> {
    const me = getState().me;
    if (!me) {
        return;
    }
    const answer = await client.getChannelCategories(me.id, teamId);
    if (getState().teamId === teamId) {
        setState({categories: answer.categories});
    }
}

const fallback = (type: 'channels' | 'direct_messages', name: string, sorting: string) =>
    ({id: type, user_id: '', team_id: '', type, display_name: name, sorting, channel_ids: [], muted: false, collapsed: false}) as unknown as ChannelCategory;

/** Until the categories arrive (or if they cannot), the two lists every team has. */
const FALLBACK = [fallback('channels', 'Channels', 'alpha'), fallback('direct_messages', 'Direct Messages', 'recent')];

/** Each category with the channels it shows, sorted as the category says. A channel
 * the categories do not list yet (joined a moment ago) shows in Channels or Direct
 * Messages until the next fetch. */
export function sidebarCategories(s: State): Array<[ChannelCategory, Channel[]]> {
    const mine = (id: string) => {
        const c = s.channels[id];
        return c && s.members[id] && !c.delete_at ? c : undefined;
    };
    const categories = s.categories.length ? s.categories : FALLBACK;
    const placed = new Set(categories.flatMap((c) => c.channel_ids));
    const loose = Object.values(s.channels).filter((c) => !placed.has(c.id) && mine(c.id));
    return categories.map((category) => {
        let list = category.channel_ids.map(mine).filter((c): c is Channel => Boolean(c));
        if (category.type === 'channels') {
            list = [...list, ...loose.filter((c) => !isDirect(c))];
        } else if (category.type === 'direct_messages') {
            list = [...list, ...loose.filter(isDirect)];
        }
        if (category.sorting === 'alpha') {
            list.sort((a, b) => channelTitle(a).localeCompare(channelTitle(b)));
        } else if (category.sorting === 'recent') {
            list.sort((a, b) => b.last_post_at - a.last_post_at);
        }
        return [category, list];
    });
}

function context(): {userId: string; teamId: string} {
    const {me, teamId} = getState();
    return {userId: me?.id || '', teamId};
}

/** Replace categories in the state by the server's (or our optimistic) versions. */
export function applyCategories(updated: ChannelCategory[]): void {
    setState((s) => ({
        categories: s.categories.map((c) => updated.find((u) => u.id === c.id) || c),
    }));
}

export async function setCollapsed(category: ChannelCategory, collapsed: boolean): Promise<void> {
    const {userId, teamId} = context();
    const next = {...category, collapsed};
    applyCategories([next]);
    applyCategories([await client.updateChannelCategory(userId, teamId, next)]);
}

export async function createCategory(displayName: string, channelIds: string[] = []): Promise<ChannelCategory> {
    const {userId, teamId} = context();
    const created = await client.createChannelCategory(userId, teamId, {
        user_id: userId,
        team_id: teamId,
        display_name: displayName,
        channel_ids: channelIds,
    });
    // Where it goes and what the channels left behind: the server's word.
    await loadCategories(teamId);
    return created;
}

export async function renameCategory(category: ChannelCategory, displayName: string): Promise<void> {
    const {userId, teamId} = context();
    applyCategories([await client.updateChannelCategory(userId, teamId, {...category, display_name: displayName})]);
}

export async function deleteCategory(category: ChannelCategory): Promise<void> {
    const {userId, teamId} = context();
    await client.deleteChannelCategory(userId, teamId, category.id);
    // Its channels go back to Channels and Direct Messages: ask where exactly.
    await loadCategories(teamId);
}

export function categoryOf(s: State, channelId: string): ChannelCategory | undefined {
    return sidebarCategories(s).find(([, list]) => list.some((c) => c.id === channelId))?.[0];
}

/** Move a channel into another category (first in it), taking it out of where it was. */
export async function moveChannel(channelId: string, toId: string): Promise<void> {
    const s = getState();
    const from = categoryOf(s, channelId);
    const to = s.categories.find((c) => c.id === toId);
    if (!to || from?.id === to.id) {
        return;
    }
    const {userId, teamId} = context();
    const changed = [{...to, channel_ids: [channelId, ...to.channel_ids.filter((id) => id !== channelId)]}];
    if (from) {
        changed.push({...from, channel_ids: from.channel_ids.filter((id) => id !== channelId)});
    }
    applyCategories(changed);
    applyCategories(await client.updateChannelCategories(userId, teamId, changed));
}

export function isFavorite(s: State, channelId: string): boolean {
    return categoryOf(s, channelId)?.type === 'favorites';
}

/** Favorites and back: back means Channels, or Direct Messages for a conversation. */
export async function setFavorite(channel: Channel, favorite: boolean): Promise<void> {
    const s = getState();
    const type = favorite ? 'favorites' : isDirect(channel) ? 'direct_messages' : 'channels';
    const target = s.categories.find((c) => c.type === type);
    if (target) {
        await moveChannel(channel.id, target.id);
    }
}

/** sidebar_category_* events: the same person's other tabs and devices. */
export function onCategoryEvent(event: string, data: Record<string, any>, teamId: string): void {
    if (teamId && teamId !== getState().teamId) {
        return;
    }
    if (event === 'sidebar_category_updated' && data.updatedCategories) {
        const updated = typeof data.updatedCategories === 'string' ? JSON.parse(data.updatedCategories) : data.updatedCategories;
        applyCategories(updated as ChannelCategory[]);
    } else if (event === 'sidebar_category_order_updated' && Array.isArray(data.order)) {
        const order = data.order as string[];
        setState((s) => ({categories: [...s.categories].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id))}));
    } else if (getState().teamId) {
        void loadCategories(getState().teamId).catch(() => undefined);
    }
}
