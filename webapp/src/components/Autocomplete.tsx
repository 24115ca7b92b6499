// Suggestions while typing in the composer: /commands (their hints and descriptions,
// then their sub-commands and arguments as they are typed, static or fetched by the
// server's autocomplete_suggestions), @people, ~channels and :emoji:. Up/Down move, Tab or Enter
// chooses, Escape closes; the list is a listbox the box points into
// (aria-activedescendant), so screen readers follow the choice.
import type {AutocompleteSuggestion} from '@mattermost/types/integrations';
import type {UserProfile} from '@mattermost/types/users';
import {useEffect, useRef, useState} from 'preact/hooks';
import {findGroups} from '../groups';
import {client} from '../client';
import {commandSuggestions} from '../commands';
import {EMOJI, customEmojiIds, customEmojiUrl, emojiFor} from '../emoji';
import {getState} from '../store';
import {channelTitle} from '../users';
import './composer.css';

export type Kind = 'command' | 'user' | 'channel' | 'emoji';

/** The word being completed: its kind, where it starts and what was typed of it. */
export type Token = {kind: Kind; start: number; end: number; term: string};

export type Suggestion = {
    id: string;
    label: string;
    /** Shown after the label: a command's arguments, a person's full name, ~name. */
    hint?: string;
    /** A second line: a command's description. */
    detail?: string;
    /** The emoji itself, or its image for a custom one. */
    emoji?: string;
    emojiImage?: string;
    /** The text that replaces the token. */
    replace: string;
    /** Only says what to type next (a free-text argument): Enter sends, Tab closes. */
    hintOnly?: boolean;
};

/** At most this many suggestions are shown. */
export const MAX_SUGGESTIONS = 20;
/** Server lookups wait for a pause in typing this long. */
const LOOKUP_AFTER_MS = 120;
/** Emoji are suggested from this many typed letters on (":sm"), as Mattermost does. */
const EMOJI_MIN_LETTERS = 2;

const SPECIAL_MENTIONS = [
    {name: 'here', detail: 'Notifies everyone online in this channel'},
    {name: 'channel', detail: 'Notifies everyone in this channel'},
    {name: 'all', detail: 'Notifies everyone in this channel'},
];

/** Whether the caret is inside an open ``` code block (an odd number of fences before it). */
export function insideCodeFence(before: string): boolean {
    let fences = 0;
    for (const line of before.split('\n')) {
        if (/^\s*(```|~~~)/.test(line)) {
            fences++;
        }
    }
    return fences % 2 === 1;
}

export function findToken(text: string, caret: number): Token | null {
    const before = text.slice(0, caret);
    if (insideCodeFence(before)) {
        return null;
    }
    if (/^\/\S*$/.test(before)) {
        return {kind: 'command', start: 0, end: caret, term: before};
    }
    const patterns: Array<[Kind, RegExp, number]> = [
        ['user', /(^|[\s(])@([\w.-]*)$/, 0],
        ['channel', /(^|[\s(])~([\w-]*)$/, 0],
        ['emoji', /(^|[\s(]):([\w+-]*)$/, EMOJI_MIN_LETTERS],
    ];
    for (const [kind, pattern, min] of patterns) {
        const match = pattern.exec(before);
        if (match && match[2].length >= min) {
            return {kind, start: caret - match[2].length - 1, end: caret, term: match[2].toLowerCase()};
        }
    }
    // A command's arguments, on its first line: the server walks its autocomplete tree.
    if (/^\/\S+ [^\n]*$/.test(before)) {
        return {kind: 'command', start: 0, end: caret, term: before};
    }
    return null;
}

/** A server suggestion (Mattermost's AutocompleteSuggestion) as a list item. */
export function commandItem(c: AutocompleteSuggestion, index: number): Suggestion {
    if (!c.Complete.includes(' ')) {
        return {
            id: `command-${c.Complete}`,
            label: c.Suggestion.startsWith('/') ? c.Suggestion : `/${c.Suggestion}`,
            hint: c.Hint,
            detail: c.Description,
            replace: `/${c.Complete} `,
        };
    }
    if (!c.Suggestion) {
        return {id: `command-arg-${index}`, label: c.Hint || '…', detail: c.Description, replace: `/${c.Complete}`, hintOnly: true};
    }
    return {
        id: `command-arg-${index}`,
        label: c.Suggestion,
        hint: c.Hint,
        detail: c.Description,
        replace: c.Complete.endsWith(' ') ? `/${c.Complete}` : `/${c.Complete} `,
    };
}

function fullName(user: UserProfile): string {
    const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
    return [name, user.nickname ? `(${user.nickname})` : ''].filter(Boolean).join(' ');
}

async function lookUp(token: Token, channelId: string, rootId: string): Promise<Suggestion[]> {
    const s = getState();
    const teamId = s.channels[channelId]?.team_id || s.teamId;
    if (token.kind === 'command') {
        const found = await commandSuggestions(token.term, channelId, rootId);
        return found.map(commandItem);
    }
    if (token.kind === 'user') {
        const found = await client.autocompleteUsers(token.term, teamId, channelId, {limit: MAX_SUGGESTIONS});
        const outside = new Set((found.out_of_channel || []).map((u) => u.id));
        const people = [...(found.users || []), ...(found.out_of_channel || [])]
            .filter((u) => !u.delete_at)
            .map((u) => ({
                id: `user-${u.id}`,
                label: `@${u.username}`,
                hint: [fullName(u), outside.has(u.id) ? '(not in channel)' : ''].filter(Boolean).join(' '),
                replace: `@${u.username} `,
            }));
        const specials = SPECIAL_MENTIONS.filter((m) => m.name.startsWith(token.term)).map((m) => ({
            id: `user-special-${m.name}`,
            label: `@${m.name}`,
            hint: m.detail,
            replace: `@${m.name} `,
        }));
        // Groups one can mention (each of their members is notified).
        const groups = (await findGroups(token.term, MAX_SUGGESTIONS).catch(() => []))
            .filter((g) => g.name.startsWith(token.term) || g.display_name.toLowerCase().includes(token.term))
            .map((g) => ({
                id: `group-${g.id}`,
                label: `@${g.name}`,
                hint: `${g.display_name} (group)`,
                replace: `@${g.name} `,
            }));
        return [...people, ...groups, ...specials];
    }
    if (token.kind === 'channel') {
        const mine = Object.values(s.channels).filter((c) => (c.type === 'O' || c.type === 'P') && c.team_id === teamId && !c.delete_at);
        const listed = teamId ? await client.autocompleteChannels(teamId, token.term) : [];
        const seen = new Set<string>();
        const matches = (c: {name: string; display_name: string}) =>
            c.name.toLowerCase().startsWith(token.term) || c.display_name.toLowerCase().split(/\s+/).some((w) => w.startsWith(token.term));
        return [...mine.filter(matches), ...listed.filter((c) => !c.delete_at)]
            .filter((c) => !seen.has(c.id) && Boolean(seen.add(c.id)))
            .map((c) => ({
                id: `channel-${c.id}`,
                label: channelTitle(c),
                hint: `~${c.name}`,
                replace: `~${c.name} `,
            }));
    }
    const names = [...new Set([...Object.keys(EMOJI), ...Object.keys(customEmojiIds)])];
    const starting = names.filter((n) => n.startsWith(token.term)).sort();
    const containing = names.filter((n) => !n.startsWith(token.term) && n.includes(token.term)).sort();
    return [...starting, ...containing].map((name) => ({
        id: `emoji-${name}`,
        label: `:${name}:`,
        emoji: EMOJI[name] ? emojiFor(name) : undefined,
        emojiImage: !EMOJI[name] && customEmojiIds[name] ? customEmojiUrl(customEmojiIds[name]) : undefined,
        replace: `:${name}: `,
    }));
}

export type Autocomplete = {
    listId: string;
    open: boolean;
    items: Suggestion[];
    active: number;
    /** After each change of the text or the caret. */
    update: (text: string, caret: number) => void;
    close: () => void;
    /** A key pressed in the box: true when the list used it. */
    onKey: (event: KeyboardEvent) => boolean;
    pick: (index: number) => void;
    setActive: (index: number) => void;
};

let lists = 0;

/** onChoose gets the new text and where the caret goes. */
export function useAutocomplete(channelId: string, rootId: string, text: () => string, onChoose: (text: string, caret: number) => void): Autocomplete {
    const [items, setItems] = useState<Suggestion[]>([]);
    const [active, setActive] = useState(0);
    const token = useRef<Token | null>(null);
    const asked = useRef(0);
    const timer = useRef(0);
    const [listId] = useState(() => `suggestions-${++lists}`);
    useEffect(() => () => window.clearTimeout(timer.current), []);

    const close = () => {
        asked.current++;
        window.clearTimeout(timer.current);
        token.current = null;
        setItems([]);
        setActive(0);
    };

    const update = (value: string, caret: number) => {
        const found = findToken(value, caret);
        const previous = token.current;
        token.current = found;
        if (!found) {
            if (previous) {
                close();
            }
            return;
        }
        if (previous && previous.kind === found.kind && previous.start === found.start && previous.term === found.term) {
            return;
        }
        const ask = ++asked.current;
        window.clearTimeout(timer.current);
        const run = () => {
            lookUp(found, channelId, rootId).then((list) => {
                if (ask === asked.current) {
                    setItems(list.slice(0, MAX_SUGGESTIONS));
                    setActive(0);
                }
            }, () => {
                if (ask === asked.current) {
                    setItems([]);
                }
            });
        };
        // Emoji are local: no wait. The rest asks the server once typing pauses.
        if (found.kind === 'emoji') {
            run();
        } else {
            timer.current = window.setTimeout(run, LOOKUP_AFTER_MS);
        }
    };

    const pick = (index: number) => {
        const item = items[index];
        const at = token.current;
        if (!item || !at) {
            return;
        }
        const value = text();
        const next = value.slice(0, at.start) + item.replace + value.slice(at.end).replace(/^ /, '');
        close();
        onChoose(next, at.start + item.replace.length);
        if (at.kind === 'command') {
            // A command goes on: its sub-commands or next argument are offered at once.
            update(next, at.start + item.replace.length);
        }
    };

    const onKey = (event: KeyboardEvent): boolean => {
        if (!items.length || event.isComposing) {
            return false;
        }
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            const step = event.key === 'ArrowDown' ? 1 : -1;
            setActive((active + step + items.length) % items.length);
        } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
            const at = token.current;
            if (items[active]?.hintOnly) {
                // Nothing to choose, only a hint: Enter sends, Tab goes on typing.
                close();
                if (event.key === 'Enter') {
                    return false;
                }
            } else if (event.key === 'Enter' && at && items[active]?.replace.trim() === text().slice(at.start, at.end).trim()) {
                // Typed in full already ("/away"): Enter sends, as if no list were open.
                close();
                return false;
            } else {
                pick(active);
            }
        } else if (event.key === 'Escape') {
            close();
            event.stopPropagation();
        } else {
            return false;
        }
        event.preventDefault();
        return true;
    };

    return {listId, open: items.length > 0, items, active, update, close, onKey, pick, setActive};
}

export function SuggestionList({ac}: {ac: Autocomplete}) {
    const list = useRef<HTMLUListElement>(null);
    useEffect(() => {
        list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({block: 'nearest'});
    }, [ac.active, ac.items]);
    if (!ac.open) {
        return null;
    }
    return (
        <ul class="suggestions" id={ac.listId} role="listbox" aria-label="Suggestions" ref={list} data-testid="suggestions">
            {ac.items.map((item, i) => (
                <li key={item.id} id={`${ac.listId}-${i}`} role="option" aria-selected={i === ac.active}
                    class={i === ac.active ? 'active' : ''}
                    // mousedown, not click: the box keeps the focus (and its caret).
                    onMouseDown={(e) => {
                        e.preventDefault();
                        ac.pick(i);
                    }}
                    onMouseMove={() => i !== ac.active && ac.setActive(i)}>
                    {item.emoji && <span class="suggestion-emoji" aria-hidden="true">{item.emoji}</span>}
                    {item.emojiImage && <img class="suggestion-emoji" alt="" src={item.emojiImage} width={18} height={18} />}
                    <span class="suggestion-label">{item.label}</span>
                    {item.hint && <span class="suggestion-hint">{item.hint}</span>}
                    {item.detail && <span class="suggestion-detail">{item.detail}</span>}
                </li>
            ))}
        </ul>
    );
}
