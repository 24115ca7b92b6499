// Display preferences kept by the server as Mattermost keeps them, so the mobile and
// desktop apps share them: the theme (category "theme", a JSON colour set), the 24-hour
// clock ("display_settings"/"use_military_time"), whether join and leave messages show
// ("advanced_settings"/"join_leave") and the time zone (the user's `timezone`). Applied to the page as they load and as other tabs change them.
import type {PreferenceType} from '@mattermost/types/preferences';
import {useEffect, useState} from 'preact/hooks';
import {client, socket} from './client';
import {getState, setState} from './store';

export type ThemeKind = 'light' | 'dark';

// Mattermost's Denim (light) and Onyx (dark), whole, for the apps that read them.
const THEMES: Record<ThemeKind, Record<string, string>> = {
    light: {
        type: 'Denim', sidebarBg: '#1e325c', sidebarText: '#ffffff', sidebarUnreadText: '#ffffff',
        sidebarTextHoverBg: '#28427b', sidebarTextActiveBorder: '#5d89ea', sidebarTextActiveColor: '#ffffff',
        sidebarHeaderBg: '#192a4d', sidebarHeaderTextColor: '#ffffff', sidebarTeamBarBg: '#14213e',
        onlineIndicator: '#3db887', awayIndicator: '#ffbc1f', dndIndicator: '#d24b4e', mentionBg: '#ffffff',
        mentionBj: '#ffffff', mentionColor: '#1e325c', centerChannelBg: '#ffffff', centerChannelColor: '#3f4350',
        newMessageSeparator: '#cc8f00', linkColor: '#386fe5', buttonBg: '#1c58d9', buttonColor: '#ffffff',
        errorTextColor: '#d24b4e', mentionHighlightBg: '#ffd470', mentionHighlightLink: '#1b1d22', codeTheme: 'github',
    },
    dark: {
        type: 'Onyx', sidebarBg: '#202228', sidebarText: '#ffffff', sidebarUnreadText: '#ffffff',
        sidebarTextHoverBg: '#25262a', sidebarTextActiveBorder: '#4a7ebb', sidebarTextActiveColor: '#ffffff',
        sidebarHeaderBg: '#24272d', sidebarHeaderTextColor: '#ffffff', sidebarTeamBarBg: '#292c33',
        onlineIndicator: '#3db887', awayIndicator: '#f5ab00', dndIndicator: '#d24b4e', mentionBg: '#1c58d9',
        mentionBj: '#1c58d9', mentionColor: '#ffffff', centerChannelBg: '#191b1f', centerChannelColor: '#e3e4e8',
        newMessageSeparator: '#1adbdb', linkColor: '#5d89ea', buttonBg: '#1c58d9', buttonColor: '#ffffff',
        errorTextColor: '#da6c6e', mentionHighlightBg: '#0d6e6e', mentionHighlightLink: '#a4f4f4', codeTheme: 'monokai',
    },
};

type Prefs = {theme: ThemeKind; militaryTime: boolean; joinLeave: boolean};

// Join/leave messages show unless turned off (the server's EnableJoinLeaveMessageByDefault).
const DEFAULTS: Prefs = {theme: 'light', militaryTime: false, joinLeave: true};
let prefs: Prefs = {...DEFAULTS};
const listeners = new Set<() => void>();

function cacheKey(): string {
    return `roost.prefs.${getState().me?.id || ''}`;
}

function update(change: Partial<Prefs>): void {
    prefs = {...prefs, ...change};
    document.documentElement.dataset.theme = prefs.theme;
    // Remembered in this browser, so the next load starts in the right theme before
    // the server's preferences arrive (they wait for the first view).
    localStorage.setItem(cacheKey(), JSON.stringify(prefs));
    listeners.forEach((listener) => listener());
}

/** Start from what this browser remembers of my preferences. */
export function applyCachedPrefs(): void {
    try {
        const cached = JSON.parse(localStorage.getItem(cacheKey()) || 'null') as Partial<Prefs> | null;
        update({theme: cached?.theme === 'dark' ? 'dark' : 'light', militaryTime: cached?.militaryTime === true, joinLeave: cached?.joinLeave !== false});
    } catch {
        update({...DEFAULTS});
    }
}

export function currentPrefs(): Prefs {
    return prefs;
}

export function usePrefs(): Prefs {
    const [value, setValue] = useState(prefs);
    useEffect(() => {
        const changed = () => setValue(prefs);
        listeners.add(changed);
        changed();
        return () => {
            listeners.delete(changed);
        };
    }, []);
    return value;
}

/** Light or dark, from any theme (one set by another app may be a custom one). */
function kindOf(value: string): ThemeKind {
    try {
        const theme = JSON.parse(value) as Record<string, string>;
        const type = String(theme.type || '').toLowerCase();
        if (type === 'onyx' || type === 'indigo') {
            return 'dark';
        }
        const bg = /^#([0-9a-f]{6})$/i.exec(theme.centerChannelBg || '');
        if (bg) {
            const n = parseInt(bg[1], 16);
            const luminance = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
            return luminance < 128 ? 'dark' : 'light';
        }
    } catch {
        // A value that is not JSON: the default theme.
    }
    return 'light';
}

/** Apply preferences that changed; ``whole``: the complete list, where anything unset
 * is the default (so a person signing in after another does not keep theirs). */
function apply(list: PreferenceType[], whole = false): void {
    const change: Partial<Prefs> = whole ? {...DEFAULTS} : {};
    for (const p of list) {
        // The team-less theme ("" name) is the one for every team.
        if (p.category === 'theme' && !p.name) {
            change.theme = kindOf(p.value || '');
        } else if (p.category === 'display_settings' && p.name === 'use_military_time') {
            change.militaryTime = p.value === 'true';
        } else if (p.category === 'advanced_settings' && p.name === 'join_leave') {
            change.joinLeave = p.value !== 'false';
        }
    }
    if (Object.keys(change).length) {
        update(change);
    }
}

let listening = false;

export async function loadPrefs(): Promise<void> {
    if (!listening) {
        listening = true;
        socket.addMessageListener((raw) => {
            const msg = raw as unknown as {event: string; data: Record<string, unknown>};
            if (msg.event === 'preferences_changed' && typeof msg.data?.preferences === 'string') {
                apply(JSON.parse(msg.data.preferences) as PreferenceType[]);
            }
        });
    }
    apply((await client.getMyPreferences()) as unknown as PreferenceType[], true);
    await followAutomaticTimezone();
}

/** Shown at once (the choice does not flick back while the server answers); what the
 * server holds is read again if it refuses. */
async function save(list: PreferenceType[]): Promise<void> {
    const me = getState().me!;
    apply(list);
    try {
        await client.savePreferences(me.id, list.map((p) => ({...p, user_id: me.id})));
    } catch (err) {
        apply((await client.getMyPreferences().catch(() => [])) as unknown as PreferenceType[], true);
        throw err;
    }
}

export function setTheme(kind: ThemeKind): Promise<void> {
    return save([{user_id: '', category: 'theme', name: '', value: JSON.stringify(THEMES[kind])}]);
}

export function setMilitaryTime(on: boolean): Promise<void> {
    return save([{user_id: '', category: 'display_settings', name: 'use_military_time', value: String(on)}]);
}

export function setJoinLeave(on: boolean): Promise<void> {
    return save([{user_id: '', category: 'advanced_settings', name: 'join_leave', value: String(on)}]);
}

/** Read the value of a preference of mine ('' when unset). */
export async function preferenceValue(category: string, name: string): Promise<string> {
    const list = (await client.getMyPreferences()) as unknown as PreferenceType[];
    return list.find((p) => p.category === category && p.name === name)?.value || '';
}

export function savePreference(category: string, name: string, value: string): Promise<void> {
    return save([{user_id: '', category, name, value}]);
}

export function browserTimezone(): string {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zone times are shown in: the manual one, or the browser's. */
export function shownTimezone(): string {
    const tz = getState().me?.timezone;
    if (tz && tz.useAutomaticTimezone === 'false' && tz.manualTimezone && validZone(tz.manualTimezone)) {
        return tz.manualTimezone;
    }
    return browserTimezone();
}

/** A zone set by another client may be one this browser does not know. */
function validZone(zone: string): boolean {
    try {
        new Intl.DateTimeFormat(undefined, {timeZone: zone});
        return true;
    } catch {
        return false;
    }
}

/** With the automatic zone on, the server learns this browser's zone (as Mattermost's
 * web app tells it), so emails and reminders use it. */
async function followAutomaticTimezone(): Promise<void> {
    const me = getState().me;
    const tz = me?.timezone;
    if (!me || !tz || tz.useAutomaticTimezone === 'false' || tz.automaticTimezone === browserTimezone()) {
        return;
    }
    await setTimezone({useAutomaticTimezone: 'true', automaticTimezone: browserTimezone(), manualTimezone: tz.manualTimezone || ''});
}

export async function setTimezone(timezone: {useAutomaticTimezone: string; automaticTimezone: string; manualTimezone: string}): Promise<void> {
    const updated = await client.patchMe({timezone});
    setState((s) => ({me: {...s.me!, ...updated}, users: {...s.users, [updated.id]: updated}}));
    listeners.forEach((listener) => listener());
}

/** Every zone the browser knows, for the manual choice. */
export function allTimezones(): string[] {
    const intl = Intl as unknown as {supportedValuesOf?: (key: string) => string[]};
    return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [browserTimezone(), 'UTC'];
}
