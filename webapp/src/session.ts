// Signing in and out, and keeping the socket connected while signed in.
import {client, errorId, socket, socketUrl} from './client';
import {loadTeamUnreads, whenFirstViewShown} from './channels';
import {loadCustomEmoji} from './customEmoji';
import {pendingInvite} from './invites';
import {loadSaved} from './saved';
import {startPresence, stopPresence} from './presence';
import {connectRealtime} from './realtime';
import {resetState, setState} from './store';

// The server enforces MFA and this user has none yet: only setting it up is allowed.
const MFA_REQUIRED = 'api.context.mfa_required.app_error';

export async function boot(): Promise<void> {
    try {
        // Both at once: a first load waits on a chain of requests, so keep it short.
        const [me, teams] = await Promise.all([client.getMe(), client.getMyTeams()]);
        start(me, teams);
    } catch (err) {
        if (errorId(err) === MFA_REQUIRED) {
            const me = await client.getMe();
            setState({me, users: {[me.id]: me}, mfaRequired: true, booted: true});
            return;
        }
        setState({me: null, booted: true});
    }
}

type Me = Awaited<ReturnType<typeof client.getMe>>;
type Teams = Awaited<ReturnType<typeof client.getMyTeams>>;

function start(me: Me, teams: Teams): void {
    // One change, so the page follows the URL knowing both who and which teams.
    setState({me, users: {[me.id]: me}, teams, booted: true});
    connectRealtime();
    // The socket authenticates with the session cookie on the upgrade.
    socket.initialize(socketUrl());
    startPresence();
    // Other teams' unread marks can wait for the first view.
    void whenFirstViewShown().then(loadTeamUnreads).catch(() => undefined);
    void whenFirstViewShown().then(loadAfterFirstView).catch(() => undefined);
}

/** Custom emoji and saved posts: messages show well enough without them at first. */
export async function loadAfterFirstView(): Promise<void> {
    await Promise.all([loadCustomEmoji(), loadSaved()]);
}

export async function login(loginId: string, password: string, mfaCode = ''): Promise<void> {
    const me = await client.login(loginId, password, mfaCode);
    let teams: Teams;
    try {
        teams = await client.getMyTeams();
    } catch (err) {
        if (errorId(err) !== MFA_REQUIRED) {
            throw err;
        }
        setState({me, users: {[me.id]: me}, mfaRequired: true, booted: true});
        return;
    }
    start(me, teams);
}

export async function signup(email: string, username: string, password: string): Promise<void> {
    // An invite link (/signup_user_complete/?t=TOKEN, a tenant's first admin) carries
    // its token; the server checks it.
    const token = new URLSearchParams(window.location.search).get('t') || '';
    // A team's invite link (?id=INVITE_ID, remembered if the page moved on since) lets
    // the account be made on a server closed to sign-up, and joins that team.
    await client.createUser({email, username, password} as Parameters<typeof client.createUser>[0], token, pendingInvite());
    await login(username, password);
}

export async function logout(): Promise<void> {
    socket.close();
    stopPresence();
    try {
        await client.logout();
    } finally {
        resetState();
    }
}
