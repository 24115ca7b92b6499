// The web and desktop apps' data layer, mattermost-redux 11.9.0 unmodified, against a
// running Roost: its own store (configureStore), its post-login sequence (loadMe,
// fetchChannelsAndMembers, loadRolesIfNeeded, fetchMyCategories, getPostsUnread,
// createPost, fetchThreads, getCustomEmojis, ...), and after each step what the apps
// render from, read through mattermost-redux's own selectors: the permission selectors
// that decide between the message box and a read-only bar, the sidebar categories, posts
// confirmed by the server, reactions, threads and unread counts.
//
// User A (a system admin) prepares the team and channels and administers roles through
// a plain @mattermost/client; user B is the one in the app. B's WebSocket feeds the store
// the way the web app's websocket_actions do for the events used here (role_updated).
'use strict';

const {Client4: AdminClient4, WebSocketClient} = require('@mattermost/client');
const WebSocket = require('ws');
const {Client4} = require('mattermost-redux/client');
const configureStore = require('mattermost-redux/store').default;
const {RoleTypes, UserTypes} = require('mattermost-redux/action_types');
const channelActions = require('mattermost-redux/actions/channels');
const {fetchMyCategories} = require('mattermost-redux/actions/channel_categories');
const {getCustomEmojis, getCustomEmojisByName} = require('mattermost-redux/actions/emojis');
const postActions = require('mattermost-redux/actions/posts');
const {getRolesByNames, loadRolesIfNeeded} = require('mattermost-redux/actions/roles');
const {getFlaggedPosts} = require('mattermost-redux/actions/search');
const {selectTeam, getMyTeamUnreads} = require('mattermost-redux/actions/teams');
const {fetchThreads, getThreadCounts, getThreadsForCurrentTeam} = require('mattermost-redux/actions/threads');
const userActions = require('mattermost-redux/actions/users');
const categorySelectors = require('mattermost-redux/selectors/entities/channel_categories');
const channelSelectors = require('mattermost-redux/selectors/entities/channels');
const {getConfig, getServerVersion} = require('mattermost-redux/selectors/entities/general');
const postSelectors = require('mattermost-redux/selectors/entities/posts');
const {haveIChannelPermission, haveISystemPermission, haveITeamPermission} =
    require('mattermost-redux/selectors/entities/roles');
const {getMyTeams} = require('mattermost-redux/selectors/entities/teams');
const threadSelectors = require('mattermost-redux/selectors/entities/threads');
const {getCurrentUser} = require('mattermost-redux/selectors/entities/users');

const {Steps, check, env, finish, unique} = require('./steps');

// What a browser gives the data layer and Node.js 20 lacks: the WebSocket class, and a
// `window` (its DataLoader batches profile look-ups on window.setInterval/setTimeout; the
// socket client listens on it for online/offline events).
globalThis.WebSocket = WebSocket;
globalThis.window = Object.assign(new EventTarget(), {setInterval, clearInterval, setTimeout, clearTimeout});

const cfg = {
    url: env('ROOST_URL'),
    password: env('ROOST_PASSWORD'),
    userA: env('ROOST_USER_A'),
    userB: env('ROOST_USER_B'),
};
const EVENT_TIMEOUT_MS = 5000;
// A 1x1 transparent PNG, the custom emoji's image.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

// A thunk's {data} or its {error}, thrown.
async function dispatched(store, action) {
    const result = await store.dispatch(action);
    if (result && result.error) {
        throw result.error;
    }
    return result ? result.data : undefined;
}

const waitUntil = async (what, predicate, timeoutMs = EVENT_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = predicate();
        if (value) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
};

// Each id of `ids` must appear exactly once across the lists.
function exactlyOnce(lists, ids, what) {
    const seen = lists.flat();
    for (const id of ids) {
        const n = seen.filter((x) => x === id).length;
        check(n === 1, () => `channel ${id} appears ${n} times in ${what}: ${JSON.stringify(lists)}`);
    }
    const extra = seen.filter((x) => !ids.includes(x));
    check(!extra.length, () => `${what} lists channels the user is not in: ${JSON.stringify(extra)}`);
}

async function main() {
    const steps = new Steps();
    const run = steps.run.bind(steps);
    const store = configureStore({});
    const state = () => store.getState();
    const admin = new AdminClient4();
    admin.setUrl(cfg.url);
    const ws = new WebSocketClient({newWebSocketFn: (url) => new WebSocket(url), minWebSocketRetryTime: 500});
    const roleEvents = [];
    ws.addMessageListener((msg) => {
        if (msg.event === 'role_updated') {
            // What the web app's websocket_actions handleRoleUpdatedEvent does.
            store.dispatch({type: RoleTypes.RECEIVED_ROLE, data: JSON.parse(msg.data.role)});
            roleEvents.push(msg);
        }
    });

    // --- what A prepares before B opens the app (not part of the app's sequence)
    const a = await run('setup', async () => {
        const me = await admin.login(cfg.userA, cfg.password);
        const userB = await admin.getUserByUsername(cfg.userB);
        const team = await admin.createTeam({name: unique('rdx'), display_name: 'Redux team', type: 'O'});
        await admin.addToTeam(team.id, userB.id);
        const made = async (type) => {
            const channel = await admin.createChannel({
                team_id: team.id, name: unique('rdxc'), display_name: `Redux ${type}`, type,
            });
            await admin.addToChannel(userB.id, channel.id);
            return channel;
        };
        const pub = await made('O');
        const priv = await made('P');
        const unreadPost = await admin.createPost({channel_id: pub.id, message: `before you came, @${cfg.userB}`});
        return {me, userB, team, pub, priv, unreadPost};
    }) || {};

    // --- login and loadMe (the web app's login then loadMe)
    const me = await run('login', async () => {
        Client4.setUrl(cfg.url);
        const user = await Client4.login(cfg.userB, cfg.password);
        store.dispatch({type: UserTypes.LOGIN_SUCCESS});
        check(user.id === a.userB.id, `login: ${JSON.stringify(user)}`);
        ws.initialize(`${Client4.getWebSocketUrl().replace(/^http/, 'ws')}`, Client4.getToken());
        return user;
    }, ['setup']) || {};
    await run('load_me', async () => {
        check(await dispatched(store, userActions.loadMe()) === true, 'loadMe answers true');
        check(getCurrentUser(state()).id === me.id, 'the current user is B');
        check(getMyTeams(state()).some((t) => t.id === a.team.id), 'getMyTeams lists the team');
    }, ['login']);
    await run('server_limits', async () => {
        // loadMe's last call (it logs a failure and goes on); asked again to see the answer.
        const {getServerLimits} = require('mattermost-redux/actions/limits');
        const limits = await dispatched(store, getServerLimits());
        check(typeof limits.maxUsersLimit === 'number' && typeof limits.activeUserCount === 'number',
            `server limits: ${JSON.stringify(limits)}`);
    }, ['load_me']);
    await run('server_version', () => {
        const version = getServerVersion(state());
        check(/^11\.\d+\.\d+/.test(version), `server version ${version}: the apps expect 11.x`);
        check(/^11\./.test(getConfig(state()).Version), `config Version ${getConfig(state()).Version}`);
    }, ['load_me']);
    await run('roles_loaded', async () => {
        // loadMe starts loadRolesIfNeeded for the user's and team members' roles; the app
        // renders once they arrive.
        const roles = await dispatched(store, getRolesByNames(['system_user', 'team_user', 'channel_user']));
        check(roles.length === 3, `getRolesByNames gave ${JSON.stringify(roles.map((r) => r.name))}`);
        await waitUntil('system_user and team_user roles', () =>
            state().entities.roles.roles.system_user && state().entities.roles.roles.team_user);
    }, ['load_me']);

    // --- the team's channels and members (fetchChannelsAndMembers on team switch)
    await run('fetch_channels_and_members', async () => {
        store.dispatch(selectTeam(a.team.id));
        const {channels, channelMembers} = await dispatched(store, channelActions.fetchChannelsAndMembers(a.team.id));
        for (const channel of [a.pub, a.priv]) {
            check(channels.some((c) => c.id === channel.id), `channels list ${channel.name}`);
            check(channelMembers.some((m) => m.channel_id === channel.id), `members list ${channel.name}`);
        }
        const roles = new Set(channelMembers.flatMap((m) => m.roles.split(' ')));
        await dispatched(store, loadRolesIfNeeded(roles));
    }, ['load_me']);
    const canPost = (channel) => haveIChannelPermission(state(), a.team.id, channel.id, 'create_post');
    await run('can_post_in_public_channel', async () => {
        await waitUntil('the channel_user role', () => state().entities.roles.roles.channel_user, 2000);
        check(canPost(a.pub), 'haveIChannelPermission(create_post) for a member of a public channel');
        check(haveIChannelPermission(state(), a.team.id, a.pub.id, 'add_reaction'), 'add_reaction');
        check(haveIChannelPermission(state(), a.team.id, a.pub.id, 'upload_file'), 'upload_file');
    }, ['fetch_channels_and_members', 'roles_loaded']);
    await run('can_post_in_private_channel', () => {
        check(canPost(a.priv), 'haveIChannelPermission(create_post) in a private channel');
        check(haveIChannelPermission(state(), a.team.id, a.priv.id, 'read_channel'), 'read_channel');
    }, ['fetch_channels_and_members', 'roles_loaded']);
    await run('team_and_system_permissions', () => {
        check(haveITeamPermission(state(), a.team.id, 'create_public_channel'), 'team_user may create_public_channel');
        check(haveITeamPermission(state(), a.team.id, 'join_public_channels'), 'team_user may join_public_channels');
        check(haveISystemPermission(state(), {permission: 'create_team'}), 'system_user may create_team');
        check(!haveISystemPermission(state(), {permission: 'manage_system'}), 'B is no system admin');
        check(!haveITeamPermission(state(), a.team.id, 'manage_team'), 'B is no team admin');
    }, ['fetch_channels_and_members', 'roles_loaded']);

    // --- the sidebar
    const getCategories = categorySelectors.makeGetCategoriesForTeam();
    const getChannelsByCategory = categorySelectors.makeGetChannelsByCategory();
    const myTeamChannelIds = () => channelSelectors.getMyChannels(state())
        .filter((c) => c.team_id === a.team.id || c.team_id === '')
        .filter((c) => c.delete_at === 0).map((c) => c.id);
    await run('fetch_my_categories', async () => {
        await dispatched(store, fetchMyCategories(a.team.id));
        const types = getCategories(state(), a.team.id).map((c) => c.type);
        for (const type of ['favorites', 'channels', 'direct_messages']) {
            check(types.includes(type), `no ${type} category: ${JSON.stringify(types)}`);
        }
        const channelsCategory = categorySelectors.getCategoryInTeamByType(state(), a.team.id, 'channels');
        check(channelsCategory.channel_ids.includes(a.pub.id), 'the Channels category holds the public channel');
    }, ['fetch_channels_and_members']);
    const categoriesListOnce = (what) => exactlyOnce(
        getCategories(state(), a.team.id).map((c) => c.channel_ids), myTeamChannelIds(), what);
    const sidebarOnce = (what) => exactlyOnce(
        Object.values(getChannelsByCategory(state(), a.team.id)).map((list) => list.map((c) => c.id)),
        myTeamChannelIds(), what);
    await run('categories_list_each_channel_once', () => categoriesListOnce('the categories'), ['fetch_my_categories']);
    await run('sidebar_renders_each_channel_once', () => sidebarOnce('the sidebar'), ['fetch_my_categories']);
    const dm = await run('open_dm', async () => {
        // The app's "open a DM" (it also saves the direct_channel_show preference).
        const channel = await dispatched(store, channelActions.createDirectChannel(me.id, a.me.id));
        check(channel.type === 'D', `DM: ${JSON.stringify(channel)}`);
        // The sidebar shows a DM once it knows the teammate (the web app loads DM profiles).
        await dispatched(store, userActions.getProfilesByIds([a.me.id]));
        return channel;
    }, ['fetch_my_categories']) || {};
    await run('dm_in_direct_messages_category', async () => {
        await dispatched(store, fetchMyCategories(a.team.id));
        const dms = categorySelectors.getCategoryInTeamByType(state(), a.team.id, 'direct_messages');
        check(dms.channel_ids.includes(dm.id), `the DM is in Direct Messages: ${JSON.stringify(dms)}`);
        categoriesListOnce('the categories with a DM');
        sidebarOnce('the sidebar with a DM');
    }, ['open_dm']);
    await run('favorite_channel', async () => {
        await dispatched(store, channelActions.favoriteChannel(a.priv.id));
        await dispatched(store, fetchMyCategories(a.team.id));
        const favorites = categorySelectors.getCategoryInTeamByType(state(), a.team.id, 'favorites');
        check(favorites.channel_ids.includes(a.priv.id), `favorites after the server round trip: ${JSON.stringify(favorites)}`);
        categoriesListOnce('the categories with a favorite');
    }, ['fetch_my_categories']);

    // --- unread counts and opening a channel
    const unreadOf = channelSelectors.makeGetChannelUnreadCount();
    await run('unread_counts', async () => {
        await dispatched(store, getMyTeamUnreads(false));
        const unread = unreadOf(state(), a.pub.id);
        check(unread.showUnread && unread.messages >= 1 && unread.mentions >= 1, `public channel unread: ${JSON.stringify(unread)}`);
        check(channelSelectors.getUnreadChannelIds(state()).includes(a.pub.id), 'getUnreadChannelIds has the channel');
        const teamUnread = state().entities.teams.myMembers[a.team.id];
        check(teamUnread.mention_count >= 1, `team mention badge: ${JSON.stringify(teamUnread)}`);
    }, ['fetch_channels_and_members']);
    await run('get_posts_unread', async () => {
        store.dispatch(channelActions.selectChannel(a.pub.id));
        const list = await dispatched(store, postActions.getPostsUnread(a.pub.id, false, false));
        check(list.order.includes(a.unreadPost.id), `posts around the unread line: ${JSON.stringify(list.order)}`);
        check((postSelectors.getPostIdsInChannel(state(), a.pub.id) || []).includes(a.unreadPost.id), 'the post is in the channel view');
        check(postSelectors.getPost(state(), a.unreadPost.id).message === a.unreadPost.message, 'the post renders its message');
    }, ['fetch_channels_and_members']);
    await run('view_channel_clears_unread', async () => {
        await dispatched(store, channelActions.markChannelAsViewedOnServer(a.pub.id));
        await dispatched(store, channelActions.fetchChannelsAndMembers(a.team.id));
        const unread = unreadOf(state(), a.pub.id);
        check(!unread.showUnread && unread.messages === 0 && unread.mentions === 0, `after viewing: ${JSON.stringify(unread)}`);
    }, ['get_posts_unread']);

    // --- posting (the message box)
    const createPost = (channel, message, extra = {}) => new Promise((resolve, reject) => {
        const pending = `${me.id}:${Date.now()}${Math.random().toString(16).slice(2, 6)}`;
        store.dispatch(postActions.createPost({channel_id: channel.id, message, pending_post_id: pending, ...extra}, [],
            ({created}) => resolve({created, pending}))).then((result) => {
            if (result && result.error) {
                reject(result.error);
            }
        }, reject);
        // createPost reports a failure only in the store: watch for the failed pending post.
        waitUntil('the post to be confirmed or fail', () => {
            const p = state().entities.posts.posts[pending];
            return p && p.failed ? p : null;
        }).then((failedPost) => reject(Object.assign(new Error('the pending post failed'), {pending, failedPost})), () => {});
    });
    const confirmed = async (channel, message, extra) => {
        const {created, pending} = await createPost(channel, message, extra);
        check(created.id.length === 26 && created.pending_post_id === pending, `created: ${JSON.stringify(created)}`);
        check(!state().entities.posts.posts[pending], 'the pending post is replaced by the server one');
        check(state().entities.posts.posts[created.id].message === message, 'the confirmed post is in the store');
        check(!postSelectors.isPostIdSending(state(), pending), 'nothing left sending');
        check((postSelectors.getPostIdsInChannel(state(), channel.id) || []).includes(created.id), 'the channel view shows it');
        return created;
    };
    const mine = await run('create_post_confirmed', () => confirmed(a.pub, 'hello from the redux store'),
        ['get_posts_unread']) || {};

    // --- an admin removes create_post from channel_user: the app's message box goes away,
    // the server refuses; restored, both come back.
    // channel_user as the admin reads it before patching: what is restored afterwards.
    let channelUser = null;
    const patchChannelUser = async (permissions) => {
        if (!channelUser) {
            channelUser = (await admin.getRolesByNames(['channel_user']))[0];
        }
        return admin.patchRole(channelUser.id, {permissions: permissions || channelUser.permissions});
    };
    const withoutCreatePost = async () => {
        if (!channelUser) {
            channelUser = (await admin.getRolesByNames(['channel_user']))[0];
        }
        return channelUser.permissions.filter((p) => p !== 'create_post');
    };
    await run('ws_role_updated', async () => {
        await waitUntil('the app socket to connect', () => ws.conn && ws.conn.readyState === WebSocket.OPEN);
        await patchChannelUser(await withoutCreatePost());
        await waitUntil('role_updated for channel_user', () => roleEvents.find((e) =>
            JSON.parse(e.data.role).name === 'channel_user'));
    }, ['can_post_in_public_channel']);
    await run('permission_removed', async () => {
        if (!steps.ok('ws_role_updated')) {
            // Without the event the app would only learn on its next roles fetch.
            await patchChannelUser(await withoutCreatePost());
            await dispatched(store, getRolesByNames(['channel_user']));
        }
        check(!state().entities.roles.roles.channel_user.permissions.includes('create_post'), 'the store has the patched role');
        check(!canPost(a.pub), 'haveIChannelPermission(create_post) is false once channel_user lacks it');
        check(haveIChannelPermission(state(), a.team.id, a.pub.id, 'read_channel'), 'reading stays allowed');
    }, ['can_post_in_public_channel']);
    await run('create_post_refused', async () => {
        try {
            await createPost(a.pub, 'I should not be able to say this');
        } catch (err) {
            const failed = err.failedPost || {};
            check(failed.failed === true, `the pending post is marked failed: ${err.message}`);
            const errors = state().entities.posts;
            check(errors, 'store readable');
            return;
        }
        throw new Error('the server accepted a post from a member whose role lacks create_post');
    }, ['permission_removed']);
    await run('permission_restored', async () => {
        await patchChannelUser();
        await waitUntil('channel_user to regain create_post', () => {
            if (!steps.ok('ws_role_updated')) {
                store.dispatch(getRolesByNames(['channel_user']));
            }
            return canPost(a.pub);
        });
    }, ['permission_removed']);
    await run('create_post_after_restore', () => confirmed(a.pub, 'and I can talk again'), ['permission_restored']);

    // --- reactions, threads
    await run('add_reaction', async () => {
        await dispatched(store, postActions.addReaction(mine.id, 'smile'));
        const reactions = postSelectors.makeGetReactionsForPost()(state(), mine.id) || {};
        const mineReaction = Object.values(reactions).find((r) => r.emoji_name === 'smile' && r.user_id === me.id);
        check(mineReaction && mineReaction.create_at > 0, `reactions: ${JSON.stringify(reactions)}`);
        check(postSelectors.getHasReactions(state(), mine.id), 'the post has reactions');
    }, ['create_post_confirmed']);
    await run('reply_and_fetch_threads', async () => {
        await admin.createPost({channel_id: a.pub.id, root_id: mine.id, message: `a reply for you @${cfg.userB}`});
        // The Threads view: getThreadsForCurrentTeam (fetchThreads underneath) fills the store.
        const list = await dispatched(store, fetchThreads(me.id, a.team.id, {perPage: 25, extended: false}));
        check(list.threads.some((t) => t.id === mine.id), `fetchThreads: ${JSON.stringify(list.threads.map((t) => t.id))}`);
        await dispatched(store, getThreadsForCurrentTeam());
        const thread = threadSelectors.getThread(state(), mine.id);
        check(thread && thread.reply_count === 1, `thread: ${JSON.stringify(thread)}`);
        check(thread.unread_replies === 1 && thread.unread_mentions === 1, `unread in thread: ${JSON.stringify(thread)}`);
        check(threadSelectors.getThreadOrderInCurrentTeam(state()).includes(mine.id), 'the thread list shows it');
    }, ['create_post_confirmed']);
    await run('thread_counts', async () => {
        await dispatched(store, getThreadCounts(me.id, a.team.id));
        const counts = threadSelectors.getThreadCountsInCurrentTeam(state());
        check(counts && counts.total_unread_threads >= 1 && counts.total_unread_mentions >= 1, `thread counts: ${JSON.stringify(counts)}`);
    }, ['reply_and_fetch_threads']);

    // --- custom emoji, saved messages, mark as unread, custom status
    await run('custom_emojis', async () => {
        const name = unique('rdx');
        const file = new File([PNG], `${name}.png`, {type: 'image/png'});
        const emoji = await admin.createCustomEmoji({name, creator_id: a.me.id}, file);
        const list = await dispatched(store, getCustomEmojis(0, 200, 'name', false));
        check(list.some((e) => e.id === emoji.id), `getCustomEmojis: ${JSON.stringify(list)}`);
        await dispatched(store, getCustomEmojisByName([name]));
        check(state().entities.emojis.customEmoji[emoji.id].name === name, 'the store has the emoji');
        await dispatched(store, postActions.addReaction(mine.id, name));
        const reactions = postSelectors.makeGetReactionsForPost()(state(), mine.id) || {};
        check(Object.values(reactions).some((r) => r.emoji_name === name), 'a reaction with the custom emoji');
    }, ['create_post_confirmed']);
    await run('saved_post', async () => {
        // flagPost saves the preference optimistically and does not wait for the server.
        await dispatched(store, postActions.flagPost(mine.id));
        const deadline = Date.now() + EVENT_TIMEOUT_MS;
        let list = await dispatched(store, getFlaggedPosts());
        while (!list.order.includes(mine.id) && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            list = await dispatched(store, getFlaggedPosts());
        }
        check(list.order.includes(mine.id), `saved messages: ${JSON.stringify(list.order)}`);
        check(postSelectors.getPost(state(), mine.id), 'the saved post is in the store');
    }, ['create_post_confirmed']);
    await run('mark_post_unread', async () => {
        await dispatched(store, postActions.setUnreadPost(me.id, a.unreadPost.id));
        const unread = unreadOf(state(), a.pub.id);
        check(unread.showUnread && unread.messages >= 1, `after mark as unread: ${JSON.stringify(unread)}`);
        check(channelSelectors.isManuallyUnread(state(), a.pub.id), 'the channel is manually unread');
    }, ['view_channel_clears_unread']);
    await run('custom_status', async () => {
        // The app computes expires_at for a duration (the server requires it).
        const expiresAt = new Date(Date.now() + 3600 * 1000).toISOString();
        const status = {emoji: 'calendar', text: 'In a meeting', duration: 'one_hour', expires_at: expiresAt};
        await dispatched(store, userActions.setCustomStatus(status));
        const user = await Client4.getMe();
        const stored = JSON.parse((user.props || {}).customStatus || '{}');
        check(stored.text === status.text && stored.emoji === status.emoji, `customStatus: ${JSON.stringify(user.props)}`);
        await dispatched(store, userActions.unsetCustomStatus());
    }, ['load_me']);
    await run('everyday_lookups', async () => {
        // Calls the web app makes on everyday screens, through the store's own actions.
        const timezones = await dispatched(store, channelActions.getChannelTimezones(a.pub.id));
        check(Array.isArray(timezones), `channel timezones: ${JSON.stringify(timezones)}`);
        const known = await dispatched(store, userActions.getKnownUsers());
        check(known.includes(a.me.id), `known users: ${JSON.stringify(known)}`);
        const plugins = await Client4.getWebappPlugins();
        check(Array.isArray(plugins), `webapp plugins: ${JSON.stringify(plugins)}`);
    }, ['load_me']);

    // Never leave the role patched, whatever failed above (the test module restores it too).
    if (channelUser) {
        await patchChannelUser().catch(() => {});
    }
    try {
        ws.close();
    } catch (err) {
        process.stderr.write(`closing the socket: ${err}\n`);
    }
    return steps;
}

finish(main());
