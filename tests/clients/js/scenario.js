// Drive the official @mattermost/client (Client4 and WebSocketClient), unmodified,
// against a running Roost. User A acts through Client4 (and sends typing through its
// own WebSocketClient); user B listens on a WebSocketClient and must see each action
// as an event. Every step is recorded by name; a failure does not stop the run, and
// steps that need its result are reported as blocked. The result is printed as one
// `ROOST-RESULT {json}` line (the client logs its own chatter to the console too).
'use strict';

const {Client4, ClientError, WebSocketClient} = require('@mattermost/client');
const WebSocket = require('ws');

// What a browser gives the client and Node.js 20 lacks: the WebSocket class (the client
// reads WebSocket.OPEN) and CloseEvent (built on a sequence gap or a ping timeout).
globalThis.WebSocket = WebSocket;
if (typeof globalThis.CloseEvent === 'undefined') {
    globalThis.CloseEvent = class CloseEvent extends Event {
        constructor(type, init = {}) {
            super(type);
            this.code = init.code;
            this.reason = init.reason || '';
            this.wasClean = Boolean(init.wasClean);
        }
    };
}

// Node's fetch keeps no cookies; remember the last Set-Cookie list a response carried, so
// the cookie session of the web app can be replayed (the client itself is untouched).
const realFetch = globalThis.fetch;
let lastSetCookies = [];
globalThis.fetch = async (url, options) => {
    const response = await realFetch(url, options);
    const cookies = response.headers.getSetCookie();
    if (cookies.length) {
        lastSetCookies = cookies;
    }
    return response;
};

const EVENT_TIMEOUT_MS = 5000;
const RESULT_PREFIX = 'ROOST-RESULT ';

const env = (name) => {
    const value = process.env[name];
    if (!value) {
        throw new Error(`missing environment variable ${name}`);
    }
    return value;
};

const cfg = {
    url: env('ROOST_URL'),
    password: env('ROOST_PASSWORD'),
    userA: env('ROOST_USER_A'),
    userB: env('ROOST_USER_B'),
};

const unique = (prefix) => prefix + Math.random().toString(16).slice(2, 12);

function check(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

class Steps {
    constructor() {
        this.results = {};
        this.values = {};
    }

    async run(name, fn, needs = []) {
        const missing = needs.filter((n) => !(this.results[n] && this.results[n].ok));
        if (missing.length) {
            this.results[name] = {ok: false, error: `blocked by failed step(s): ${JSON.stringify(missing)}`};
            return undefined;
        }
        const started = Date.now();
        try {
            const value = await fn();
            this.results[name] = {ok: true, ms: Date.now() - started};
            this.values[name] = value;
            return value;
        } catch (err) {
            const detail = err instanceof ClientError ?
                `ClientError ${err.status_code} ${err.server_error_id}: ${err.message} (${err.url})` :
                String(err && err.message ? err.message : err);
            this.results[name] = {ok: false, error: detail.slice(0, 2000), trace: String(err && err.stack).slice(0, 3000)};
            return undefined;
        }
    }

    ok(name) {
        return Boolean(this.results[name] && this.results[name].ok);
    }
}

// Every event a WebSocketClient handed to its message listeners, plus its lifecycle.
class EventLog {
    constructor(ws) {
        this.events = [];
        this.closes = 0;
        this.reconnects = 0;
        this.missed = 0;
        this.waiters = [];
        ws.addMessageListener((msg) => {
            this.events.push(msg);
            this.waiters.forEach((wake) => wake());
        });
        ws.addCloseListener(() => {
            this.closes++;
        });
        ws.addReconnectListener(() => {
            this.reconnects++;
        });
        ws.addMissedMessageListener(() => {
            this.missed++;
        });
    }

    find(event, match) {
        return this.events.find((e) => {
            if (e.event !== event) {
                return false;
            }
            try {
                return match(e);
            } catch {
                return false;
            }
        });
    }

    waitFor(event, match = () => true, timeoutMs = EVENT_TIMEOUT_MS) {
        return new Promise((resolve, reject) => {
            const look = () => {
                const found = this.find(event, match);
                if (found) {
                    cleanup();
                    resolve(found);
                }
            };
            const timer = setTimeout(() => {
                cleanup();
                reject(new Error(`no matching ${event} event within ${timeoutMs}ms; events seen: ` +
                    JSON.stringify(this.events.map((e) => e.event))));
            }, timeoutMs);
            const cleanup = () => {
                clearTimeout(timer);
                this.waiters = this.waiters.filter((w) => w !== look);
            };
            this.waiters.push(look);
            look();
        });
    }
}

const decoded = (msg, key) => {
    const value = msg.data[key];
    check(typeof value === 'string', `data.${key} must be a JSON string, got ${typeof value}`);
    return JSON.parse(value);
};

function newClient() {
    const client = new Client4();
    client.setUrl(cfg.url);
    return client;
}

function newSocket() {
    return new WebSocketClient({
        newWebSocketFn: (url) => new WebSocket(url),
        minWebSocketRetryTime: 500,
        reconnectJitterRange: 100,
    });
}

const socketUrl = (client) => client.getWebSocketUrl().replace(/^http/, 'ws');

// A WebSocketClient reply callback as a promise (the client gives no error path).
const reply = (send) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reply within the timeout')), EVENT_TIMEOUT_MS);
    send((msg) => {
        clearTimeout(timer);
        resolve(msg);
    });
});

async function main() {
    const steps = new Steps();
    const run = steps.run.bind(steps);
    const a = newClient();
    const b = newClient();
    const wsA = newSocket();
    const wsB = newSocket();
    const log = new EventLog(wsB);
    const logA = new EventLog(wsA);

    await run('client_config', async () => {
        const config = await newClient().getClientConfig();
        check(typeof config.Version === 'string', `config Version: ${config.Version}`);
        check(Object.values(config).every((v) => typeof v === 'string'), 'format=old values are strings');
    });

    await run('client_license', async () => {
        const license = await newClient().getClientLicenseOld();
        check(license.IsLicensed === 'false' || license.IsLicensed === 'true', `license: ${JSON.stringify(license)}`);
    });

    const login = async (client, username) => {
        const me = await client.login(username, cfg.password);
        check(me.username === username, `login gave ${JSON.stringify(me)}`);
        check(client.getToken().length === 26, `Token header: ${client.getToken()}`);
        check(!('password' in me), 'login must not send the password');
        return me;
    };
    const meA = await run('login_a', () => login(a, cfg.userA)) || {};
    const meB = await run('login_b', () => login(b, cfg.userB)) || {};

    await run('server_version_header', () => {
        check(/^\d+\.\d+\.\d+\./.test(a.getServerVersion()), `X-Version-Id: ${a.getServerVersion()}`);
    }, ['login_a']);

    await run('bad_login_rejected', async () => {
        try {
            await newClient().login(cfg.userA, 'wrong-password');
        } catch (err) {
            check(err instanceof ClientError, `expected a ClientError, got ${err}`);
            check(err.status_code === 401, `status_code ${err.status_code}`);
            check(typeof err.server_error_id === 'string' && err.server_error_id.startsWith('api.'),
                `server_error_id ${err.server_error_id}`);
            return;
        }
        throw new Error('a wrong password must be rejected');
    });

    await run('get_me', async () => {
        const me = await a.getMe();
        check(me.id === meA.id && me.username === cfg.userA, `getMe: ${JSON.stringify(me)}`);
    }, ['login_a']);

    await run('ws_connect', async () => {
        wsB.initialize(socketUrl(b), b.getToken());
        wsA.initialize(socketUrl(a), a.getToken());
        await log.waitFor('hello');
        await logA.waitFor('hello');
    }, ['login_a', 'login_b']);

    await run('ws_hello', async () => {
        const hello = await log.waitFor('hello');
        check(hello.seq === 0, `hello seq ${hello.seq}`);
        check(hello.data.connection_id.length === 26, `hello data ${JSON.stringify(hello.data)}`);
        check(hello.broadcast.user_id === meB.id, `hello broadcast ${JSON.stringify(hello.broadcast)}`);
    }, ['ws_connect']);

    await run('ws_cookie_auth', async () => {
        // The web app opens its socket with the session cookie and sends no challenge.
        const cookieSocket = new WebSocketClient({
            newWebSocketFn: (url) => new WebSocket(url, {headers: {Cookie: `MMAUTHTOKEN=${b.getToken()}`}}),
        });
        const cookieLog = new EventLog(cookieSocket);
        cookieSocket.initialize(socketUrl(b));
        try {
            const hello = await cookieLog.waitFor('hello');
            check(hello.broadcast.user_id === meB.id, `cookie hello: ${JSON.stringify(hello)}`);
            const pong = await reply((cb) => cookieSocket.ping(cb));
            check(pong.status === 'OK', `ping on the cookie socket: ${JSON.stringify(pong)}`);
        } finally {
            cookieSocket.close();
        }
    }, ['login_b']);

    await run('ws_ping', async () => {
        const msg = await reply((cb) => wsB.ping(cb));
        check(msg.status === 'OK' && msg.data && msg.data.text === 'pong', `ping reply ${JSON.stringify(msg)}`);
    }, ['ws_connect']);

    await run('ws_get_statuses', async () => {
        const msg = await reply((cb) => wsB.getStatusesByIds([meA.id, meB.id], cb));
        check(msg.status === 'OK', `get_statuses_by_ids reply ${JSON.stringify(msg)}`);
        check(msg.data[meB.id] === 'online', `B is online while connected: ${JSON.stringify(msg.data)}`);
    }, ['ws_connect']);

    await run('ws_client_actions', async () => {
        // What the web app sends as the user moves around; each must be answered OK.
        const replies = [
            await reply((cb) => wsB.updateActiveChannel('', cb)),
            await reply((cb) => wsB.updateActiveTeam('', cb)),
            await reply((cb) => wsB.updateActiveThread(false, '', cb)),
            await reply((cb) => wsB.userUpdateActiveStatus(true, false, cb)),
        ];
        check(replies.every((r) => r.status === 'OK'), `replies: ${JSON.stringify(replies)}`);
    }, ['ws_connect']);

    await run('login_by_email', async () => {
        const client = newClient();
        const me = await client.login(meA.email, cfg.password);
        check(me.id === meA.id, `login by email: ${JSON.stringify(me)}`);
    }, ['login_a']);

    await run('status_roundtrip', async () => {
        await a.updateStatus({user_id: meA.id, status: 'dnd'});
        const got = await a.getStatus(meA.id);
        check(got.status === 'dnd', `status after set: ${JSON.stringify(got)}`);
        await a.updateStatus({user_id: meA.id, status: 'online'});
    }, ['login_a']);

    await run('preferences_roundtrip', async () => {
        const pref = {user_id: meA.id, category: 'display_settings', name: 'use_military_time', value: 'true'};
        await a.savePreferences(meA.id, [pref]);
        const got = (await a.getMyPreferences()).filter((p) => p.name === pref.name);
        check(got.length === 1 && got[0].value === 'true', `preferences: ${JSON.stringify(got)}`);
    }, ['login_a']);

    const team = await run('create_team', async () => {
        const name = unique('team');
        const made = await a.createTeam({name, display_name: 'JS Team', type: 'O'});
        check(made.name === name && made.id.length === 26, `team: ${JSON.stringify(made)}`);
        return made;
    }, ['login_a']) || {};

    await run('add_team_member', async () => {
        const member = await a.addToTeam(team.id, meB.id);
        check(member.user_id === meB.id && member.team_id === team.id, `member: ${JSON.stringify(member)}`);
    }, ['create_team']);
    await run('ws_added_to_team', () => log.waitFor('added_to_team',
        (e) => e.data.team_id === team.id && e.data.user_id === meB.id), ['add_team_member', 'ws_hello']);

    const createChannel = async (type) => {
        const name = unique('chan');
        const made = await a.createChannel({team_id: team.id, name, display_name: `JS ${type}`, type});
        check(made.type === type && made.name === name && made.team_id === team.id, `channel: ${JSON.stringify(made)}`);
        return made;
    };
    const pub = await run('create_public_channel', () => createChannel('O'), ['create_team']) || {};
    const priv = await run('create_private_channel', () => createChannel('P'), ['create_team']) || {};
    const unseen = await run('post_unseen_private',
        () => a.createPost({channel_id: priv.id, message: 'before you joined'}), ['create_private_channel']) || {};

    const addMember = async (channel) => {
        const member = await a.addToChannel(meB.id, channel.id);
        check(member.user_id === meB.id && member.channel_id === channel.id, `member: ${JSON.stringify(member)}`);
    };
    const userAdded = (channel) => log.waitFor('user_added',
        (e) => e.broadcast.channel_id === channel.id && e.data.user_id === meB.id);
    await run('add_channel_member_public', () => addMember(pub), ['create_public_channel']);
    await run('ws_user_added_public', () => userAdded(pub), ['add_channel_member_public', 'ws_hello']);
    await run('add_channel_member_private', () => addMember(priv), ['create_private_channel']);
    await run('ws_user_added_private', () => userAdded(priv), ['add_channel_member_private', 'ws_hello']);

    const header = unique('header ');
    await run('patch_channel', async () => {
        const patched = await a.patchChannel(priv.id, {header});
        check(patched.header === header, `patched: ${JSON.stringify(patched)}`);
    }, ['create_private_channel']);
    await run('ws_channel_updated', async () => {
        const msg = await log.waitFor('channel_updated', (e) => decoded(e, 'channel').id === priv.id);
        check(decoded(msg, 'channel').header === header, `channel_updated: ${JSON.stringify(msg.data)}`);
    }, ['patch_channel', 'ws_user_added_private']);

    await run('ws_typing', async () => {
        wsA.userTyping(pub.id, '');
        const typing = await log.waitFor('typing', (e) => e.broadcast.channel_id === pub.id);
        check(typing.data.user_id === meA.id && typing.data.parent_id === '', `typing: ${JSON.stringify(typing.data)}`);
    }, ['add_channel_member_public', 'ws_connect']);

    const rootText = `${unique('héllo 👋 from Client4 — ')} <b>&amp;</b> \\u0000 \u2028 \`code\``;
    const root = await run('post_root', async () => {
        const post = await a.createPost({channel_id: pub.id, message: rootText, pending_post_id: `${meA.id}:${Date.now()}`});
        check(post.message === rootText && post.root_id === '' && post.channel_id === pub.id, `post: ${JSON.stringify(post)}`);
        check(post.pending_post_id.startsWith(meA.id), `pending_post_id must be echoed: ${post.pending_post_id}`);
        return post;
    }, ['add_channel_member_public']) || {};

    await run('ws_posted', async () => {
        const msg = await log.waitFor('posted', (e) => decoded(e, 'post').id === root.id);
        const post = decoded(msg, 'post');
        check(post.message === rootText, `posted: ${JSON.stringify(post)}`);
        check(msg.data.channel_type === 'O' && msg.data.channel_name === pub.name, `posted data: ${JSON.stringify(msg.data)}`);
        check(msg.data.sender_name === `@${cfg.userA}` && msg.data.team_id === team.id, `posted data: ${JSON.stringify(msg.data)}`);
    }, ['post_root', 'ws_hello']);

    await run('ws_posted_to_sender', () => logA.waitFor('posted', (e) => decoded(e, 'post').id === root.id),
        ['post_root', 'ws_connect']);

    const reply_ = await run('post_reply', async () => {
        const post = await a.createPost({channel_id: pub.id, message: 'a reply', root_id: root.id});
        check(post.root_id === root.id, `reply: ${JSON.stringify(post)}`);
        return post;
    }, ['post_root']) || {};
    await run('ws_posted_reply', async () => {
        const msg = await log.waitFor('posted', (e) => decoded(e, 'post').id === reply_.id);
        check(decoded(msg, 'post').root_id === root.id, 'the reply event must carry root_id');
    }, ['post_reply', 'ws_hello']);

    // Collapsed reply threads: B's reply makes A (the root's author) follow with one unread.
    const bReply = await run('thread_reply_by_b', () => b.createPost({channel_id: pub.id, message: `@${cfg.userA} see this`, root_id: root.id}),
        ['post_root', 'add_channel_member_public']) || {};
    await run('ws_thread_updated', async () => {
        const msg = await logA.waitFor('thread_updated', (e) => JSON.parse(e.data.thread).id === root.id && JSON.parse(e.data.thread).reply_count === 2);
        const thread = JSON.parse(msg.data.thread);
        check(thread.unread_replies >= 1 && thread.unread_mentions === 1, `thread_updated: ${msg.data.thread}`);
        check(typeof msg.data.previous_unread_replies === 'number', `previous counts: ${JSON.stringify(msg.data)}`);
    }, ['thread_reply_by_b', 'ws_connect']);
    await run('get_user_threads', async () => {
        const list = await a.getUserThreads(meA.id, team.id, {});
        const mine = list.threads.find((t) => t.id === root.id);
        check(mine && mine.unread_mentions === 1 && mine.post.id === root.id, `threads: ${JSON.stringify(list)}`);
        check(list.total >= 1 && list.total_unread_threads >= 1 && list.total_unread_mentions === 1, `totals: ${JSON.stringify(list)}`);
        const one = await a.getUserThread(meA.id, team.id, root.id, true);
        check(one.participants.some((p) => p.id === meB.id && p.username === cfg.userB), `extended: ${JSON.stringify(one.participants)}`);
    }, ['thread_reply_by_b']);
    await run('thread_read_and_follow', async () => {
        const read = await a.updateThreadReadForUser(meA.id, team.id, root.id, Date.now());
        check(read.unread_replies === 0 && read.unread_mentions === 0, `read: ${JSON.stringify(read)}`);
        const changed = await logA.waitFor('thread_read_changed', (e) => e.data.thread_id === root.id);
        check(changed.data.unread_replies === 0, `thread_read_changed: ${JSON.stringify(changed.data)}`);
        const unread = await a.markThreadAsUnreadForUser(meA.id, team.id, root.id, bReply.id);
        check(unread.unread_replies === 1 && unread.unread_mentions === 1, `set unread: ${JSON.stringify(unread)}`);
        await a.updateThreadsReadForUser(meA.id, team.id);
        await a.updateThreadFollowForUser(meA.id, team.id, root.id, false);
        const follow = await logA.waitFor('thread_follow_changed', (e) => e.data.thread_id === root.id);
        check(follow.data.state === false, `thread_follow_changed: ${JSON.stringify(follow.data)}`);
        const after = await a.getUserThreads(meA.id, team.id, {totalsOnly: true});
        check(after.total_unread_threads === 0, `after: ${JSON.stringify(after)}`);
    }, ['get_user_threads', 'ws_connect']);

    await run('ws_typing_in_thread', async () => {
        wsA.userTyping(pub.id, root.id);
        const typing = await log.waitFor('typing', (e) => e.data.parent_id === root.id);
        check(typing.data.user_id === meA.id, `typing: ${JSON.stringify(typing.data)}`);
        check(!logA.find('typing', () => true), 'the typist must not get its own typing event');
    }, ['post_root', 'ws_connect', 'ws_typing']);

    await run('add_reaction', async () => {
        const reaction = await a.addReaction(meA.id, root.id, 'thumbsup');
        check(reaction.emoji_name === 'thumbsup' && reaction.post_id === root.id, `reaction: ${JSON.stringify(reaction)}`);
    }, ['post_root']);
    await run('ws_reaction_added', async () => {
        const msg = await log.waitFor('reaction_added', (e) => decoded(e, 'reaction').post_id === root.id);
        const reaction = decoded(msg, 'reaction');
        check(reaction.emoji_name === 'thumbsup' && reaction.user_id === meA.id, `reaction: ${JSON.stringify(reaction)}`);
    }, ['add_reaction', 'ws_hello']);
    await run('get_reactions', async () => {
        const got = await a.getReactionsForPost(root.id);
        check(Array.isArray(got) && got.length === 1 && got[0].emoji_name === 'thumbsup', `reactions: ${JSON.stringify(got)}`);
    }, ['add_reaction']);

    await run('remove_reaction', async () => {
        const result = await a.removeReaction(meA.id, root.id, 'thumbsup');
        check(result && result.status === 'OK', `remove: ${JSON.stringify(result)}`);
        const left = await a.getReactionsForPost(root.id);
        check(Array.isArray(left) && left.length === 0, `the reaction must be gone: ${JSON.stringify(left)}`);
    }, ['get_reactions']);
    await run('ws_reaction_removed', async () => {
        const msg = await log.waitFor('reaction_removed', (e) => decoded(e, 'reaction').post_id === root.id);
        check(decoded(msg, 'reaction').emoji_name === 'thumbsup', `reaction_removed: ${JSON.stringify(msg.data)}`);
    }, ['remove_reaction', 'ws_hello']);

    const editedText = `${rootText} (edited)`;
    await run('edit_post', async () => {
        const post = await a.patchPost({id: root.id, message: editedText});
        check(post.message === editedText && post.edit_at > 0, `edited: ${JSON.stringify(post)}`);
    }, ['post_root']);
    await run('ws_post_edited', async () => {
        const msg = await log.waitFor('post_edited', (e) => decoded(e, 'post').id === root.id);
        check(decoded(msg, 'post').message === editedText, 'post_edited must carry the new message');
    }, ['edit_post', 'ws_hello']);

    await run('delete_reply', async () => {
        const result = await a.deletePost(reply_.id);
        check(result && result.status === 'OK', `delete: ${JSON.stringify(result)}`);
    }, ['post_reply']);
    await run('ws_post_deleted', () => log.waitFor('post_deleted', (e) => decoded(e, 'post').id === reply_.id),
        ['delete_reply', 'ws_hello']);

    await run('get_thread', async () => {
        const thread = await a.getPostThread(root.id);
        check(thread.order.includes(root.id), `thread order: ${JSON.stringify(thread.order)}`);
        check(!(reply_.id in thread.posts), 'a deleted reply must leave the thread');
        check(thread.posts[root.id].message === editedText, 'the thread shows the edit');
    }, ['delete_reply', 'edit_post']);

    await run('channel_posts', async () => {
        const listing = await a.getPosts(pub.id);
        for (const key of ['order', 'posts', 'next_post_id', 'prev_post_id']) {
            check(key in listing, `PostList lacks ${key}`);
        }
        // B's thread reply is the newest post left after A's reply was deleted.
        const newest = bReply.id || root.id;
        check(listing.order[0] === newest && listing.order.includes(root.id), `newest first: ${JSON.stringify(listing.order)}`);
    }, ['delete_reply', 'edit_post']);

    // What the web app asks as B loads a team and opens the channel.
    await run('b_my_teams', async () => {
        const teams = await b.getMyTeams();
        check(teams.some((t) => t.id === team.id), `getMyTeams: ${JSON.stringify(teams.map((t) => t.name))}`);
        const members = await b.getMyTeamMembers();
        check(members.some((m) => m.team_id === team.id && m.user_id === meB.id), `getMyTeamMembers: ${JSON.stringify(members)}`);
        const unreads = await b.getMyTeamUnreads();
        check(Array.isArray(unreads), `getMyTeamUnreads: ${JSON.stringify(unreads)}`);
    }, ['add_team_member']);
    await run('b_my_channels', async () => {
        const channels = await b.getMyChannels(team.id);
        const ids = channels.map((c) => c.id);
        check(ids.includes(pub.id) && ids.includes(priv.id), `getMyChannels: ${JSON.stringify(channels.map((c) => c.name))}`);
        const members = await b.getMyChannelMembers(team.id);
        check(members.some((m) => m.channel_id === pub.id && m.user_id === meB.id), `getMyChannelMembers: ${JSON.stringify(members)}`);
        const byName = await b.getChannelByNameAndTeamName(team.name, pub.name);
        check(byName.id === pub.id, `getChannelByNameAndTeamName: ${JSON.stringify(byName)}`);
    }, ['add_channel_member_public', 'add_channel_member_private']);
    await run('b_profiles_statuses', async () => {
        const users = await b.getProfilesByIds([meA.id, meB.id]);
        check(users.length === 2 && users.every((u) => !('password' in u)), `getProfilesByIds: ${JSON.stringify(users)}`);
        const statuses = await b.getStatusesByIds([meA.id, meB.id]);
        check(Array.isArray(statuses) && statuses.length === 2, `getStatusesByIds: ${JSON.stringify(statuses)}`);
    }, ['login_b']);
    await run('b_member_lists', async () => {
        const inChannel = await b.getProfilesInChannel(pub.id);
        const ids = inChannel.map((u) => u.id);
        check(ids.includes(meA.id) && ids.includes(meB.id), `getProfilesInChannel: ${JSON.stringify(ids)}`);
        const inTeam = await b.getProfilesInTeam(team.id);
        check(inTeam.some((u) => u.id === meA.id), `getProfilesInTeam: ${JSON.stringify(inTeam.map((u) => u.id))}`);
        const auto = await b.autocompleteUsers(cfg.userA.slice(0, 6), team.id, pub.id);
        check(Array.isArray(auto.users) && Array.isArray(auto.out_of_channel), `autocomplete: ${JSON.stringify(auto)}`);
        check(auto.users.some((u) => u.id === meA.id), `autocomplete must find A in the channel: ${JSON.stringify(auto)}`);
    }, ['add_channel_member_public']);
    await run('cookie_session', async () => {
        // The web app's session: cookies from login, no Authorization header after it.
        const browser = newClient();
        lastSetCookies = [];
        const me = await browser.login(cfg.userB, cfg.password);
        const jar = {};
        for (const line of lastSetCookies) {
            const [pair, ...attrs] = line.split(';').map((part) => part.trim());
            const eq = pair.indexOf('=');
            jar[pair.slice(0, eq)] = {value: pair.slice(eq + 1), attrs: attrs.map((x) => x.toLowerCase())};
        }
        check(jar.MMAUTHTOKEN && jar.MMAUTHTOKEN.value === browser.getToken(), `Set-Cookie: ${JSON.stringify(lastSetCookies)}`);
        check(jar.MMAUTHTOKEN.attrs.includes('httponly') && jar.MMAUTHTOKEN.attrs.includes('path=/'), `MMAUTHTOKEN: ${JSON.stringify(jar.MMAUTHTOKEN)}`);
        check(jar.MMUSERID && jar.MMUSERID.value === me.id, `MMUSERID: ${JSON.stringify(jar.MMUSERID)}`);
        check(jar.MMCSRF && jar.MMCSRF.value.length > 0, `MMCSRF: ${JSON.stringify(jar.MMCSRF)}`);
        browser.setToken('');
        browser.setCSRF(jar.MMCSRF.value);
        browser.setHeader('Cookie', Object.entries(jar).map(([k, v]) => `${k}=${v.value}`).join('; '));
        const again = await browser.getMe();
        check(again.id === me.id, `getMe by cookie: ${JSON.stringify(again)}`);
        const post = await browser.createPost({channel_id: pub.id, message: 'sent with the cookie'});
        check(post.user_id === me.id, `post by cookie: ${JSON.stringify(post)}`);
        await log.waitFor('posted', (e) => decoded(e, 'post').id === post.id);
    }, ['add_channel_member_public', 'ws_hello']);
    await run('b_posts_since', async () => {
        const listing = await b.getPostsSince(pub.id, root.create_at - 1);
        check(root.id in listing.posts, `since: root missing from ${JSON.stringify(listing.order)}`);
        check(listing.posts[root.id].message === editedText, 'since: the edit');
        const gone = listing.posts[reply_.id];
        check(gone && gone.delete_at > 0, `since must include the deleted reply, marked deleted: ${JSON.stringify(gone)}`);
    }, ['delete_reply', 'edit_post']);
    await run('b_posts_before_after', async () => {
        const before = await b.getPostsBefore(pub.id, root.id, 0, 30);
        check(!before.order.includes(root.id), `before must exclude the anchor: ${JSON.stringify(before.order)}`);
        const after = await b.getPostsAfter(pub.id, before.order[before.order.length - 1] || root.id, 0, 30);
        check(Array.isArray(after.order), `after: ${JSON.stringify(after)}`);
    }, ['post_root']);
    await run('b_view_channel', async () => {
        const result = await b.viewMyChannel(pub.id);
        check(result.status === 'OK', `viewMyChannel: ${JSON.stringify(result)}`);
        const [member, channel] = await Promise.all([b.getMyChannelMember(pub.id), b.getChannel(pub.id)]);
        check(member.msg_count === channel.total_msg_count, `read count ${member.msg_count} != total ${channel.total_msg_count}`);
        check(member.mention_count === 0 && member.last_viewed_at > 0, `member after view: ${JSON.stringify(member)}`);
    }, ['post_root', 'add_channel_member_public']);
    await run('ws_channel_viewed', () => log.waitFor('multiple_channels_viewed',
        (e) => pub.id in e.data.channel_times), ['b_view_channel', 'ws_hello']);

    const dm = await run('open_dm', async () => {
        const made = await a.createDirectChannel([meA.id, meB.id]);
        check(made.type === 'D' && made.name === [meA.id, meB.id].sort().join('__'), `DM: ${JSON.stringify(made)}`);
        return made;
    }, ['login_a', 'login_b']) || {};
    await run('ws_direct_added', async () => {
        const msg = await log.waitFor('direct_added', (e) => e.broadcast.channel_id === dm.id);
        check(msg.data.creator_id === meA.id && msg.data.teammate_id === meB.id, `direct_added: ${JSON.stringify(msg.data)}`);
    }, ['open_dm', 'ws_hello']);
    const dmPost = await run('post_dm', () => a.createPost({channel_id: dm.id, message: 'psst'}), ['open_dm']) || {};
    await run('ws_posted_dm', async () => {
        const msg = await log.waitFor('posted', (e) => decoded(e, 'post').id === dmPost.id);
        check(msg.data.channel_type === 'D' && msg.data.team_id === '', `DM posted: ${JSON.stringify(msg.data)}`);
    }, ['post_dm', 'ws_hello']);

    await run('ws_no_leak', () => {
        for (const e of log.events) {
            check(!JSON.stringify(e).includes(unseen.id), `B saw a post from before it joined: ${JSON.stringify(e)}`);
        }
    }, ['post_unseen_private', 'ws_posted_dm']);

    await run('ws_stable', () => {
        // The client closes and reconnects on a seq gap or a missed pong.
        check(log.closes === 0 && log.reconnects === 0 && log.missed === 0,
            `B's socket closed ${log.closes}, reconnected ${log.reconnects}, missed ${log.missed}`);
        check(logA.closes === 0 && logA.reconnects === 0, `A's socket closed ${logA.closes}`);
        const seqs = log.events.map((e) => e.seq);
        check(seqs.every((s, i) => s === i), `event seq must go 0,1,2,...: ${JSON.stringify(seqs)}`);
    }, ['ws_hello']);

    await run('ws_resume', async () => {
        // Drop B's connection under the client, as a network failure would; it reconnects
        // with its connection_id and sequence_number and must get what it missed, in order,
        // without a new hello.
        const helloCount = log.events.filter((e) => e.event === 'hello').length;
        const reconnected = new Promise((resolve) => wsB.addReconnectListener(resolve));
        wsB.conn.terminate();
        const post = await a.createPost({channel_id: pub.id, message: 'while you were away'});
        await reconnected;
        await log.waitFor('posted', (e) => decoded(e, 'post').id === post.id);
        check(log.events.filter((e) => e.event === 'hello').length === helloCount, 'a resumed connection gets no new hello');
        check(log.missed === 0, 'the server must replay, not make the client refetch');
        const seqs = log.events.map((e) => e.seq);
        check(seqs.every((seq, i) => seq === i), `event seq after resume: ${JSON.stringify(seqs)}`);
    }, ['ws_stable', 'post_root']);

    const tokenLogin = async (userId, withToken = newClient()) => {
        const made = await a.createUserAccessToken(userId, 'js client test');
        check(made.token && made.token.length === 26, `access token: ${JSON.stringify(made)}`);
        withToken.setToken(made.token);
        const me = await withToken.getMe();
        check(me.id === userId, `getMe with the token: ${JSON.stringify(me)}`);
        return me;
    };
    await run('token_login_pat', () => tokenLogin(meA.id), ['login_a']);
    const bot = await run('token_login_bot', async () => {
        const made = await a.createBot({username: unique('bot'), display_name: 'JS Bot', description: ''});
        check(made.user_id && made.user_id.length === 26, `bot: ${JSON.stringify(made)}`);
        const client = newClient();
        const me = await tokenLogin(made.user_id, client);
        check(me.is_bot === true, `a bot's getMe must say is_bot: ${JSON.stringify(me)}`);
        return {me, client};
    }, ['login_a']) || {};

    const wsBot = newSocket();
    const botLog = new EventLog(wsBot);
    await run('bot_ws_hello', async () => {
        wsBot.initialize(socketUrl(bot.client), bot.client.getToken());
        const hello = await botLog.waitFor('hello');
        check(hello.broadcast.user_id === bot.me.id, `bot hello: ${JSON.stringify(hello)}`);
    }, ['token_login_bot']);
    await run('bot_joins', async () => {
        await a.addToTeam(team.id, bot.me.id);
        await a.addToChannel(bot.me.id, pub.id);
    }, ['token_login_bot', 'add_channel_member_public']);
    const mention = await run('bot_ws_mentioned', async () => {
        const post = await a.createPost({channel_id: pub.id, message: `@${bot.me.username} ping?`});
        const msg = await botLog.waitFor('posted', (e) => decoded(e, 'post').id === post.id);
        const mentions = JSON.parse(msg.data.mentions || '[]');
        check(mentions.includes(bot.me.id), `mentions must list the bot: ${JSON.stringify(msg.data)}`);
        return post;
    }, ['bot_joins', 'bot_ws_hello']) || {};
    const answer = await run('bot_reply', async () => {
        const post = await bot.client.createPost({channel_id: pub.id, message: 'pong', root_id: mention.id});
        check(post.user_id === bot.me.id && post.root_id === mention.id, `bot reply: ${JSON.stringify(post)}`);
        return post;
    }, ['bot_ws_mentioned']) || {};
    await run('ws_posted_bot_reply', async () => {
        const msg = await log.waitFor('posted', (e) => decoded(e, 'post').id === answer.id);
        check(msg.data.sender_name === `@${bot.me.username}`, `bot reply seen by B: ${JSON.stringify(msg.data)}`);
    }, ['bot_reply', 'ws_hello']);
    wsBot.close();

    await run('errors_map', async () => {
        const expectError = async (status, call) => {
            try {
                await call();
            } catch (err) {
                check(err instanceof ClientError, `expected a ClientError, got ${err}`);
                check(err.status_code === status, `expected ${status}, got ${err.status_code} ${err.message}`);
                check(typeof err.server_error_id === 'string' && err.server_error_id.length > 0, 'server_error_id');
                return;
            }
            throw new Error(`expected a ${status} error`);
        };
        await expectError(404, () => a.getUser('a'.repeat(26)));
        await expectError(400, () => a.getUser('tooshort'));
        await expectError(403, () => b.deletePost(root.id));
    }, ['post_root', 'login_b']);

    await run('pin_post', async () => {
        const result = await a.pinPost(root.id);
        check(result.status === 'OK', `pinPost: ${JSON.stringify(result)}`);
        const msg = await log.waitFor('post_edited', (e) => decoded(e, 'post').id === root.id && decoded(e, 'post').is_pinned);
        check(decoded(msg, 'post').message === editedText, 'the pinned post keeps its message');
        const pinned = await b.getPinnedPosts(pub.id);
        check(pinned.order.includes(root.id), `getPinnedPosts: ${JSON.stringify(pinned.order)}`);
    }, ['edit_post', 'ws_hello']);

    const group = await run('open_group', async () => {
        const made = await a.createGroupChannel([meA.id, meB.id, bot.me.id]);
        check(made.type === 'G' && made.team_id === '', `group: ${JSON.stringify(made)}`);
        return made;
    }, ['token_login_bot']) || {};
    await run('ws_group_added', async () => {
        const msg = await log.waitFor('group_added', (e) => e.broadcast.channel_id === group.id);
        check(Array.isArray(decoded(msg, 'teammate_ids')), `group_added: ${JSON.stringify(msg.data)}`);
    }, ['open_group', 'ws_hello']);
    await run('ws_posted_group', async () => {
        const post = await a.createPost({channel_id: group.id, message: 'hello, all three'});
        const msg = await log.waitFor('posted', (e) => decoded(e, 'post').id === post.id);
        check(msg.data.channel_type === 'G' && msg.data.team_id === '', `group posted: ${JSON.stringify(msg.data)}`);
    }, ['open_group', 'ws_hello']);

    await run('remove_member', async () => {
        const result = await a.removeFromChannel(meB.id, priv.id);
        check(result.status === 'OK', `removeFromChannel: ${JSON.stringify(result)}`);
        const msg = await log.waitFor('user_removed', (e) => e.data.channel_id === priv.id);
        check(msg.data.remover_id === meA.id && msg.broadcast.user_id === meB.id, `user_removed: ${JSON.stringify(msg)}`);
    }, ['add_channel_member_private', 'ws_hello']);

    await run('archive_channel', async () => {
        const result = await a.deleteChannel(pub.id);
        check(result.status === 'OK', `deleteChannel: ${JSON.stringify(result)}`);
        const msg = await log.waitFor('channel_deleted', (e) => e.data.channel_id === pub.id);
        check(msg.data.delete_at > 0, `channel_deleted: ${JSON.stringify(msg.data)}`);
    }, ['create_public_channel', 'ws_hello']);

    wsA.close();
    wsB.close();

    await run('logout', async () => {
        const token = b.getToken();
        await b.logout();
        check(b.getToken() === '', 'logout clears the client token');
        const stale = newClient();
        stale.setToken(token);
        try {
            await stale.getMe();
        } catch (err) {
            check(err instanceof ClientError && err.status_code === 401, `after logout: ${err}`);
            return;
        }
        throw new Error('the token must stop working after logout');
    }, ['login_b']);

    return {steps, log};
}

main().then(({steps, log}) => {
    const events = log.events.map((e) => [e.seq, e.event]);
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({steps: steps.results, events})}\n`);
    process.exit(0);
}, (err) => {
    process.stderr.write(`scenario crashed: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
});
