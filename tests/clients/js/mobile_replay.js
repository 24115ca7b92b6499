// A replay of the Mattermost mobile app's start-up and channel-open calls, in its order and
// with its parameters (mattermost-mobile app/actions/remote/entry/{login,app,common,
// deferred}.ts and app/client/rest/*.ts; the list is /work/notes/issue18/startup-calls.md,
// kept in docs by the issue). Each call is one step, and each response is checked against
// the @mattermost/types 11.9.0 type the app reads it as (shapes.js derives the checks from
// the shipped .d.ts files), so a missing or mistyped key fails the step.
//
// User A (a system admin) prepares a team, channels, posts and a group message over plain
// HTTP; user B is the one on the phone.
'use strict';

const WebSocket = require('ws');

const {Shapes} = require('./shapes');
const {Steps, check, env, finish, unique} = require('./steps');

const cfg = {
    url: env('ROOST_URL'),
    password: env('ROOST_PASSWORD'),
    userA: env('ROOST_USER_A'),
    userB: env('ROOST_USER_B'),
};
const API = `${cfg.url}/api/v4`;
const MOBILE_VERSION = '2.40.0';
const DEVICE_ID = `android_rn-v2:${'f'.repeat(32)}`;

const shapes = new Shapes();

// One HTTP call as the app makes it: JSON, the token as a Bearer header, and the
// X-Requested-With header the app's client sends.
async function call(method, path, {token, body} = {}) {
    const headers = {'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json'};
    if (token) {
        headers.Authorization = `Bearer ${token}`;
    }
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(`${API}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json;
    try {
        json = text ? JSON.parse(text) : undefined;
    } catch {
        json = undefined;
    }
    return {status: response.status, headers: response.headers, json, text, method, path};
}

// The response must be a success carrying X-Version-Id, and its body the named type.
function expectShape(res, typeName, okStatuses = [200, 201]) {
    check(okStatuses.includes(res.status),
        () => `${res.method} ${res.path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    check(res.headers.get('x-version-id'), () => `${res.method} ${res.path}: no X-Version-Id header`);
    if (typeName) {
        const problems = shapes.problems(typeName, res.json);
        check(!problems.length, () => `${res.method} ${res.path} is not a ${typeName}:\n  ` +
            `${problems.slice(0, 25).join('\n  ')}${problems.length > 25 ? `\n  (+${problems.length - 25} more)` : ''}`);
    }
    return res.json;
}

function openSocket(token) {
    // The app authenticates its socket with a challenge after connecting.
    return new Promise((resolve, reject) => {
        const socket = new WebSocket(`${API.replace(/^http/, 'ws')}/websocket`);
        const timer = setTimeout(() => {
            socket.terminate();
            reject(new Error('no hello within 5 s'));
        }, 5000);
        socket.on('open', () => {
            socket.send(JSON.stringify({seq: 1, action: 'authentication_challenge', data: {token}}));
        });
        socket.on('message', (raw) => {
            const msg = JSON.parse(String(raw));
            if (msg.event === 'hello') {
                clearTimeout(timer);
                resolve({socket, hello: msg});
            }
        });
        socket.on('error', (err) => {
            clearTimeout(timer);
            reject(err);
        });
    });
}

async function login(username, typeName = 'users:UserProfile') {
    const res = await call('POST', '/users/login', {
        body: {login_id: username, password: cfg.password, token: '', device_id: '', ldap_only: false},
    });
    const me = expectShape(res, typeName);
    const token = res.headers.get('token');
    check(token && token.length === 26, `Token header: ${token}`);
    return {me, token};
}

async function main() {
    const steps = new Steps();
    const run = steps.run.bind(steps);

    // --- what A prepares (not part of the replay)
    const a = await run('setup', async () => {
        const {me, token} = await login(cfg.userA, null);
        const req = async (method, path, body) => {
            const res = await call(method, path, {token, body});
            check(res.status < 300, () => `setup ${method} ${path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
            return res.json;
        };
        const userB = await req('GET', `/users/username/${cfg.userB}`);
        const third = await req('POST', '/users', {
            username: unique('mob'), email: `${unique('mob')}@example.com`, password: cfg.password,
        });
        const team = await req('POST', '/teams', {name: unique('mobteam'), display_name: 'Mobile', type: 'O'});
        await req('POST', `/teams/${team.id}/members`, {team_id: team.id, user_id: userB.id});
        await req('POST', `/teams/${team.id}/members`, {team_id: team.id, user_id: third.id});
        const channel = await req('POST', '/channels', {
            team_id: team.id, name: unique('mobchan'), display_name: 'Mobile channel', type: 'O',
        });
        await req('POST', `/channels/${channel.id}/members`, {user_id: userB.id});
        const root = await req('POST', '/posts', {channel_id: channel.id, message: 'hello, channel'});
        await req('POST', '/posts', {channel_id: channel.id, message: `a reply for @${cfg.userB}`, root_id: root.id});
        const group = await req('POST', '/channels/group', [me.id, userB.id, third.id]);
        await req('POST', '/posts', {channel_id: group.id, message: 'hello, group'});
        return {me, token, userB, third, team, channel, root, group, req};
    }) || {};

    // --- login (app/actions/remote/session.ts login → entry/login.ts loginEntry)
    const b = await run('login', () => login(cfg.userB), ['setup']) || {};
    const token = b.token;
    const get = (path) => call('GET', path, {token});
    const post = (path, body) => call('POST', path, {token, body});

    await run('config_client', async () => {
        const config = expectShape(await get('/config/client?format=old'), 'config:ClientConfig');
        check(/^11\./.test(config.Version), `config Version ${config.Version}: the apps expect 11.x`);
    }, ['login']);
    await run('license_client', async () => expectShape(await get('/license/client?format=old'), 'config:ClientLicense'), ['login']);
    await run('server_version_header', async () => {
        const res = await get('/users/me');
        const version = res.headers.get('x-version-id') || '';
        check(/^11\.\d+\.\d+/.test(version), `X-Version-Id ${version}: the apps expect 11.x`);
    }, ['login']);

    // --- the WebSocket opens, then entry() (entry/common.ts entryRest)
    let socket;
    await run('websocket_hello', async () => {
        const opened = await openSocket(token);
        socket = opened.socket;
        check(opened.hello.broadcast.user_id === b.me.id, `hello: ${JSON.stringify(opened.hello)}`);
    }, ['login']);
    await run('users_me', async () => expectShape(await get('/users/me'), 'users:UserProfile'), ['login']);
    await run('preferences', async () => expectShape(await get('/users/me/preferences'), 'preferences:PreferenceType[]'), ['login']);
    await run('my_teams', async () => {
        const teams = expectShape(await get('/users/me/teams'), 'teams:Team[]');
        check(teams.some((t) => t.id === a.team.id), 'my teams list the new team');
    }, ['login']);
    const teamMembers = await run('my_team_members',
        async () => expectShape(await get('/users/me/teams/members'), 'teams:TeamMembership[]'), ['login']) || [];
    const channels = await run('my_channels', async () => {
        const list = expectShape(await get(`/users/me/teams/${a.team.id}/channels?include_deleted=true&last_delete_at=0`),
            'channels:ServerChannel[]');
        check(list.some((c) => c.id === a.channel.id), 'my channels list the channel B was added to');
        return list;
    }, ['login']) || [];
    const channelMembers = await run('my_channel_members',
        async () => expectShape(await get(`/users/me/teams/${a.team.id}/channels/members`), 'channels:ChannelMembership[]'),
        ['login']) || [];
    await run('categories', async () => {
        const ordered = expectShape(await get(`/users/${b.me.id}/teams/${a.team.id}/channels/categories`),
            'channel_categories:OrderedChannelCategories');
        // The app renders the channel list only through categories: each channel once.
        const seen = ordered.categories.flatMap((cat) => cat.channel_ids);
        const live = channels.filter((c) => c.delete_at === 0).map((c) => c.id).concat([a.group.id]);
        for (const id of live) {
            check(seen.filter((x) => x === id).length === 1,
                () => `channel ${id} appears ${seen.filter((x) => x === id).length} times in ${JSON.stringify(ordered.categories)}`);
        }
        const types = ordered.categories.map((cat) => cat.type);
        for (const type of ['favorites', 'channels', 'direct_messages']) {
            check(types.includes(type), `no ${type} category: ${JSON.stringify(types)}`);
        }
        check(JSON.stringify([...ordered.order].sort()) === JSON.stringify(ordered.categories.map((c) => c.id).sort()),
            'order names every category');
    }, ['my_channels']);
    await run('session_device', async () => {
        const body = {device_id: DEVICE_ID, device_notification_disabled: 'false', mobile_version: MOBILE_VERSION};
        expectShape(await call('PUT', '/users/sessions/device', {token, body}), 'client4:StatusOK');
    }, ['login']);
    await run('ping_push_proxy', async () => {
        const res = await get(`/system/ping?time=${Date.now()}&device_id=${encodeURIComponent(DEVICE_ID)}`);
        const body = expectShape(res, null);
        check(body.status === 'OK', `ping: ${JSON.stringify(body)}`);
        check(typeof body.CanReceiveNotifications === 'string', `ping carries CanReceiveNotifications: ${JSON.stringify(body)}`);
    }, ['login']);
    await run('agents', async () => expectShape(await get('/agents'), 'agents:Agent[]'), ['login']);

    // --- deferredAppEntryActions (entry/deferred.ts)
    await run('roles_by_names', async () => {
        const names = new Set(b.me.roles.split(' '));
        teamMembers.forEach((m) => m.roles.split(' ').forEach((r) => names.add(r)));
        channelMembers.forEach((m) => m.roles.split(' ').forEach((r) => names.add(r)));
        names.delete('');
        const roles = expectShape(await post('/roles/names', [...names]), 'roles:Role[]');
        const got = roles.map((r) => r.name).sort();
        check(JSON.stringify(got) === JSON.stringify([...names].sort()), `asked ${[...names]}, got ${got}`);
        const channelUser = roles.find((r) => r.name === 'channel_user');
        check(channelUser && channelUser.permissions.includes('create_post'), 'channel_user may create_post');
    }, ['my_team_members', 'my_channel_members']);
    await run('users_by_ids_since', async () => {
        const res = await post(`/users/ids?since=${Date.now() - 3600 * 1000}`, [a.me.id, a.third.id]);
        expectShape(res, 'users:UserProfile[]');
    }, ['login']);
    await run('teams_list', async () => expectShape(await get('/teams?page=0&per_page=50'), 'teams:Team[]'), ['login']);
    await run('group_channel_profiles', async () => {
        const byChannel = expectShape(await post('/users/group_channels', [a.group.id]), null);
        const problems = shapes.problems('users:UserProfile[]', byChannel && byChannel[a.group.id]);
        check(!problems.length, () => `group_channels[${a.group.id}]: ${problems.slice(0, 10).join('; ')}`);
        const ids = byChannel[a.group.id].map((u) => u.id).sort();
        check(JSON.stringify(ids) === JSON.stringify([a.me.id, a.third.id].sort()), `the other members: ${ids}`);
    }, ['login']);
    await run('channel_posts_page', async () => expectShape(await get(`/channels/${a.channel.id}/posts?page=0&per_page=60`),
        'posts:PostList'), ['login']);
    await run('threads', async () => {
        const q = 'extended=true&deleted=false&unread=false&since=0&totalsOnly=false&excludeDirect=false&per_page=60';
        const list = expectShape(await get(`/users/${b.me.id}/teams/${a.team.id}/threads?${q}`), 'threads:UserThreadList');
        check(list.threads.some((t) => t.id === a.root.id), 'B follows the thread they were mentioned in');
    }, ['login']);

    // --- channel open (switchToChannelById)
    await run('open_channel_posts_since', async () => {
        const since = Date.now() - 3600 * 1000;
        const q = `since=${since}&collapsedThreads=true&collapsedThreadsExtended=false`;
        expectShape(await get(`/channels/${a.channel.id}/posts?${q}`), 'posts:PostList');
    }, ['login']);
    await run('open_channel_authors', async () => expectShape(await post('/users/ids', [a.me.id]), 'users:UserProfile[]'), ['login']);
    await run('open_channel_statuses', async () => expectShape(await post('/users/status/ids', [a.me.id, b.me.id]),
        'users:UserStatus[]'), ['login']);
    await run('open_channel_view', async () => {
        const body = {channel_id: a.channel.id, prev_channel_id: '', collapsed_threads_supported: true};
        const view = expectShape(await post('/channels/members/me/view', body), 'channels:ChannelViewResponse');
        check(view.last_viewed_at_times[a.channel.id] > 0, `view: ${JSON.stringify(view)}`);
    }, ['login']);
    await run('open_channel_stats', async () => expectShape(await get(`/channels/${a.channel.id}/stats`), 'channels:ChannelStats'),
        ['login']);

    // --- everyday screens (app/client/rest)
    await run('emoji_list', async () => expectShape(await get('/emoji?page=0&per_page=200&sort=name'), 'emojis:CustomEmoji[]'),
        ['login']);
    await run('emoji_autocomplete', async () => expectShape(await get('/emoji/autocomplete?name=sm'), 'emojis:CustomEmoji[]'),
        ['login']);
    await run('flagged_posts', async () => {
        const pref = {user_id: b.me.id, category: 'flagged_post', name: a.root.id, value: 'true'};
        expectShape(await call('PUT', `/users/${b.me.id}/preferences`, {token, body: [pref]}), null);
        const list = expectShape(await get(`/users/${b.me.id}/posts/flagged?page=0&per_page=20`), 'posts:PostList');
        check(list.order.includes(a.root.id), `flagged: ${JSON.stringify(list.order)}`);
    }, ['login']);
    await run('set_unread', async () => {
        const unread = expectShape(await post(`/users/${b.me.id}/posts/${a.root.id}/set_unread`, {collapsed_threads_supported: true}),
            'channels:ChannelUnread');
        // Unread from that post on: last viewed just before it.
        check(unread.channel_id === a.channel.id && unread.last_viewed_at === a.root.create_at - 1,
            `set_unread: ${JSON.stringify(unread)}`);
    }, ['open_channel_view']);
    await run('custom_status', async () => {
        const expiresAt = new Date(Date.now() + 3600 * 1000).toISOString(); // the app computes it
        const status = {emoji: 'calendar', text: 'In a meeting', duration: 'one_hour', expires_at: expiresAt};
        expectShape(await call('PUT', '/users/me/status/custom', {token, body: status}), null);
        const me = expectShape(await get('/users/me'), 'users:UserProfile');
        const stored = JSON.parse(me.props.customStatus || '{}');
        check(stored.text === status.text && stored.emoji === status.emoji, `props.customStatus: ${me.props.customStatus}`);
        expectShape(await call('DELETE', '/users/me/status/custom', {token}), null);
        expectShape(await post('/users/me/status/custom/recent/delete', status), null);
    }, ['login']);
    await run('users_known', async () => expectShape(await get('/users/known'), 'string[]'), ['login']);
    await run('system_timezones', async () => {
        const zones = expectShape(await get('/system/timezones'), 'string[]');
        check(zones.length > 0, 'system timezones listed');
    }, ['login']);
    await run('channel_timezones', async () => expectShape(await get(`/channels/${a.channel.id}/timezones`), 'string[]'), ['login']);
    await run('plugins_webapp', async () => expectShape(await get('/plugins/webapp'), 'plugins:ClientPluginManifest[]'), ['login']);
    await run('server_limits', async () => expectShape(await get('/limits/server'), 'limits:ServerLimits'), ['login']);

    if (socket) {
        socket.close();
    }
    return steps;
}

finish(main());
