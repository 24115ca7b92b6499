// Custom emoji: the team's own images, named like emoji, usable in messages, reactions
// and custom statuses.
import type {CustomEmoji} from '@mattermost/types/emojis';
import {client} from './client';
import {customEmojiUrl, noteCustomEmoji} from './emoji';
import {getState, setState, withEntries} from './store';

const PER_PAGE = 200;
/** Pages fetched at most when the page loads (200 each). */
const MAX_PAGES = 5;

export function emojiImageUrl(emoji: CustomEmoji): string {
    return customEmojiUrl(emoji.id);
}

function remember(list: CustomEmoji[]): void {
    noteCustomEmoji(list);
    setState((s) => ({customEmoji: withEntries(s.customEmoji, list, (e) => e.name)}));
}

export async function loadCustomEmoji(): Promise<void> {
    for (let page = 0; page < MAX_PAGES; page++) {
        const list = await client.getCustomEmojis(page, PER_PAGE, 'name');
        remember(list);
        if (list.length < PER_PAGE) {
            return;
        }
    }
}

export async function uploadEmoji(name: string, image: File): Promise<CustomEmoji> {
    const me = getState().me!;
    const created = await client.createCustomEmoji({name, creator_id: me.id}, image);
    remember([created]);
    return created;
}

/** emoji_added: someone created one. */
export function onEmojiAdded(emoji: CustomEmoji): void {
    remember([emoji]);
}
