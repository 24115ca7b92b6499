// The official @mattermost/client WebSocketClient, unmodified, holding a socket while
// the test breaks the cluster. It prints one JSON line per thing that happens to it
// (hello, posted, missed, reconnect, close), so the test can see that a fresh hello on
// the open socket makes the client call its missed-message listeners (the web app
// reloads there) and keep the socket: no close, no sequence mismatch.
// Env: ROOST_URL (the node), ROOST_TOKEN.
'use strict';

const {WebSocketClient} = require('@mattermost/client');
const WebSocket = require('ws');

globalThis.WebSocket = WebSocket;
if (typeof globalThis.CloseEvent === 'undefined') {
    globalThis.CloseEvent = class CloseEvent extends Event {
        constructor(type, init = {}) {
            super(type);
            this.code = init.code;
        }
    };
}
// The client's own console chatter goes to stderr; stdout carries only our lines.
console.log = (...args) => process.stderr.write(args.join(' ') + '\n');

const say = (what) => process.stdout.write(JSON.stringify({...what, at: Date.now()}) + '\n');

const ws = new WebSocketClient({
    newWebSocketFn: (url) => new WebSocket(url),
    minWebSocketRetryTime: 500,
    reconnectJitterRange: 100,
});
ws.addMessageListener((msg) => {
    if (msg.event === 'hello') {
        say({kind: 'hello', connection_id: msg.data.connection_id, seq: msg.seq});
    } else if (msg.event === 'posted') {
        say({kind: 'posted', id: JSON.parse(msg.data.post).id, seq: msg.seq});
    }
});
ws.addMissedMessageListener(() => say({kind: 'missed'}));
ws.addReconnectListener(() => say({kind: 'reconnect'}));
ws.addCloseListener(() => say({kind: 'close'}));
ws.initialize(process.env.ROOST_URL.replace(/^http/, 'ws') + '/api/v4/websocket', process.env.ROOST_TOKEN);
setTimeout(() => process.exit(0), 120000);
