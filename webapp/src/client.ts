// The one Client4 and WebSocketClient of the page, talking to the server that served it.
import {Client4, WebSocketClient} from '@mattermost/client';

export const client = new Client4();
client.setUrl(window.location.origin);
// The session lives in the HttpOnly MMAUTHTOKEN cookie (set because Client4 sends
// X-Requested-With); the token is never kept in page storage.
client.setIncludeCookies(true);

export const socket = new WebSocketClient({
    minWebSocketRetryTime: 1000,
    maxWebSocketRetryTime: 10000,
    reconnectJitterRange: 1000,
});

export function socketUrl(): string {
    return client.getWebSocketUrl().replace(/^http/, 'ws');
}

export function errorText(err: unknown): string {
    if (err && typeof err === 'object' && 'message' in err) {
        return String((err as {message: unknown}).message);
    }
    return String(err);
}
