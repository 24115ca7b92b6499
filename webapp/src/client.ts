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

/** The Mattermost error id of a failed call ('' when there is none). */
export function errorId(err: unknown): string {
    return err && typeof err === 'object' && 'server_error_id' in err ? String((err as {server_error_id: unknown}).server_error_id) : '';
}

/** What a request that never reached the server shows (fetch's own "Failed to fetch" means
 * nothing to people); App clears it when the connection is back. */
export const NETWORK_ERROR = "Can't reach the server, retrying…";

export function errorText(err: unknown): string {
    // fetch rejects with a TypeError when the network fails (Chrome: "Failed to fetch",
    // Firefox: "NetworkError ...", Safari: "Load failed").
    if (err instanceof TypeError && /fetch|network|load failed/i.test(err.message)) {
        return NETWORK_ERROR;
    }
    if (err && typeof err === 'object' && 'message' in err) {
        return String((err as {message: unknown}).message);
    }
    return String(err);
}
