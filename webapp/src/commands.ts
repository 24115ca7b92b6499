// Slash commands typed in the message box: run by the server (POST /commands/execute),
// never posted as text. Their private answers come back as `ephemeral_message` events,
// shown in the channel to me alone until the page reloads, as Mattermost does.
import type {AutocompleteSuggestion, CommandResponse} from '@mattermost/types/integrations';
import type {Post} from '@mattermost/types/posts';
import {client, socket} from './client';
import {addPost} from './posts';
import {navigate} from './router';
import {getState} from './store';

export const EPHEMERAL_TYPE = 'system_ephemeral';

/** Whether what was typed is a command: it starts with "/" (a leading space sends
 * it as a message, Mattermost's way of posting text that starts with a slash). */
export function isCommand(text: string): boolean {
    return text.startsWith('/') && text.trim().length > 1;
}

let listening = false;

/** Ephemeral posts from the socket into the channel they are about. */
export function listenForEphemeral(): void {
    if (listening) {
        return;
    }
    listening = true;
    socket.addMessageListener((event) => {
        const msg = event as {event: string; data: Record<string, unknown>};
        if (msg.event === 'ephemeral_message' && msg.data?.post) {
            const raw = msg.data.post;
            addPost((typeof raw === 'string' ? JSON.parse(raw) : raw) as Post);
        }
    });
}

/** An answer the socket could not bring (it was down): shown from the response. */
function showLocally(channelId: string, rootId: string, text: string): void {
    const me = getState().me;
    const now = Date.now();
    addPost({
        id: `local${now}${Math.random().toString(36).slice(2, 8)}`,
        channel_id: channelId,
        root_id: rootId,
        user_id: me?.id || '',
        message: text,
        type: EPHEMERAL_TYPE,
        create_at: now,
        update_at: now,
        edit_at: 0,
        delete_at: 0,
        props: {},
        metadata: {},
    } as unknown as Post);
}

/** Where a command or an action asked the client to go: inside the app, or a new tab. */
export function followLocation(location: string): void {
    if (!location) {
        return;
    }
    let url: URL;
    try {
        url = new URL(location, window.location.origin);
    } catch {
        return;
    }
    if (url.origin === window.location.origin) {
        navigate(url.pathname + url.search + url.hash);
    } else if (url.protocol === 'https:' || url.protocol === 'http:') {
        window.open(url.href, '_blank', 'noopener,noreferrer');
    }
}

export async function runCommand(channelId: string, rootId: string, command: string): Promise<CommandResponse> {
    listenForEphemeral();
    const teamId = getState().channels[channelId]?.team_id || getState().teamId;
    const response = await client.executeCommand(command, {channel_id: channelId, team_id: teamId, root_id: rootId});
    const connected = getState().connected;
    if (!connected && (response.response_type || 'ephemeral') === 'ephemeral' && response.text) {
        showLocally(channelId, rootId, response.text);
    }
    followLocation(response.goto_location || '');
    return response;
}

/** Names, hints and descriptions of the commands matching what was typed ("/ec"). */
export async function commandSuggestions(typed: string, channelId: string, rootId: string): Promise<AutocompleteSuggestion[]> {
    const teamId = getState().channels[channelId]?.team_id || getState().teamId;
    if (!teamId) {
        return [];
    }
    return client.getCommandAutocompleteSuggestionsList(typed, teamId, {channel_id: channelId, team_id: teamId, root_id: rootId});
}
