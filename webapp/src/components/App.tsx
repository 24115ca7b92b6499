import {useEffect} from 'preact/hooks';
import {NETWORK_ERROR, client, errorText} from '../client';
import {enterTeam, firstViewShown, loadTeams, openChannelByName, openDirect, whenFirstViewShown} from '../channels';
import {acceptPendingInvite, pendingInvite, rememberInviteFromUrl} from '../invites';
import {applyCachedPrefs, loadPrefs} from '../prefs';
import {navigate, parse, usePath} from '../router';
import {getState, setState, useAppState} from '../store';
import {loadThreads, openThread} from '../threads';
import {ChannelView} from './ChannelView';
import {Console} from '../console/Console';
import {Login} from './Login';
import {InteractiveDialog} from './InteractiveDialog';
import {ChannelKeys} from './KeyboardHelp';
import {Overlays} from './Overlays';
import {MfaRequired} from './SecuritySettings';
import {RightPanel} from './RightPanel';
import {Sidebar} from './Sidebar';
import {TeamSelect} from './TeamSelect';
import {ThreadsView} from './ThreadsView';
import {useShortcuts} from './shortcuts';
import {useTitle} from '../title';
import {Panels} from './Panels';

const NOTICE_MS = 10_000;
/** How often to ask whether the server is back after a request failed to reach it. */
const RETRY_MS = 3000;

// An invite link opened before logging in is remembered for after.
rememberInviteFromUrl();

export function App() {
    const s = useAppState();
    const path = usePath();
    useEffect(() => {
        if (s.booted && s.me && !s.mfaRequired) {
            void follow(path);
        }
    }, [path, s.booted, s.me?.id]);
    useShortcuts();
    useTitle();
    useEffect(() => {
        if (s.booted && s.me && !s.mfaRequired) {
            applyCachedPrefs();
            // The first view comes first: the cached theme stands in until then.
            void whenFirstViewShown().then(loadPrefs).catch(() => undefined);
        } else if (s.booted && !s.me) {
            // Signed out: the login page is nobody's, so in the default theme.
            delete document.documentElement.dataset.theme;
        }
    }, [s.booted, s.me?.id]);
    // A request that failed for want of a network is not news once the server answers
    // again: the socket is back, or a ping (every few seconds meanwhile) gets through.
    useEffect(() => {
        if (s.error !== NETWORK_ERROR) {
            return;
        }
        const clear = () => setState((now) => (now.error === NETWORK_ERROR ? {error: ''} : {}));
        const timer = window.setInterval(() => {
            client.ping(false).then(clear, () => undefined);
        }, RETRY_MS);
        return () => window.clearInterval(timer);
    }, [s.error]);
    useEffect(() => {
        if (s.connected && s.error === NETWORK_ERROR) {
            setState({error: ''});
        }
    }, [s.connected]);
    useEffect(() => {
        if (!s.notice) {
            return;
        }
        const timer = window.setTimeout(() => setState({notice: ''}), NOTICE_MS);
        return () => window.clearTimeout(timer);
    }, [s.notice]);
    if (!s.booted) {
        return <div class="splash">Loading…</div>;
    }
    if (!s.me) {
        return <Login mode={path.startsWith('/signup') ? 'signup' : 'login'} />;
    }
    if (s.mfaRequired) {
        return <MfaRequired />;
    }
    const route = parse(path);
    if (route.name === 'console') return <Console section={route.section} sub={route.sub} />;
    if (route.name === 'select_team' || (!s.teams.length && route.name !== 'root')) {
        return <><TeamSelect /><Panels /></>;
    }
    return (
        <div class={`layout ${s.rhs ? 'with-rhs' : ''} ${s.sidebarOpen ? 'sidebar-open' : ''}`}>
            <Sidebar />
            {s.sidebarOpen && <div class="backdrop" onClick={() => setState({sidebarOpen: false})} />}
            <main class="center">
                {s.error && <div class="banner error" role="alert">{s.error} <button onClick={() => setState({error: ''})}>×</button></div>}
                {s.notice && <div class="banner" role="status" data-testid="notice">{s.notice} <button aria-label="Dismiss" onClick={() => setState({notice: ''})}>×</button></div>}
                {!s.connected && <div class="banner" data-testid="offline">Reconnecting…</div>}
                {s.view === 'threads' ? <ThreadsView /> : <ChannelView />}
            </main>
            {s.rhs && <RightPanel />}
            <Overlays />
            <ChannelKeys />
            <InteractiveDialog />
            <Panels />
        </div>
    );
}

/** Make the state match the URL. */
async function follow(path: string): Promise<void> {
    const route = parse(path);
    const {teams, me} = getState();
    // Per person: whoever signs in next on this browser starts from their own place.
    const lastPathKey = `roost.lastPath.${me?.id}`;
    try {
        if (route.name === 'login' || route.name === 'signup' || route.name === 'root') {
            // Following a team's invite link: join that team and open it.
            if (pendingInvite()) {
                const joined = await acceptPendingInvite().catch((err) => {
                    setState({notice: errorText(err) === NETWORK_ERROR ? NETWORK_ERROR : 'This invite link is no longer valid: ask for a new one.'});
                    return '';
                });
                if (joined) {
                    navigate(`/${joined}/channels/town-square`, true);
                    return;
                }
            }
            const last = localStorage.getItem(lastPathKey);
            if (last && teams.some((t) => last.startsWith(`/${t.name}/`))) {
                navigate(last, true);
            } else if (teams.length) {
                navigate(`/${teams[0].name}/channels/town-square`, true);
            } else {
                navigate('/select_team', true);
            }
            return;
        }
        if (route.name === 'select_team' || route.name === 'console') {
            return;
        }
        if (!(await knownTeam(route.team))) {
            leaveStaleLink(`There is no team "${route.team}" for you: it may have been renamed or archived, or you are no longer in it.`, lastPathKey, path);
            return;
        }
        const teamId = await enterTeam(route.team);
        if (route.name === 'channel' || route.name === 'dm') {
            try {
                if (route.name === 'channel') {
                    await openChannelByName(teamId, route.channel);
                } else {
                    await openDirect(route.username);
                }
            } catch (err) {
                const where = route.name === 'channel' ? `the channel "${route.channel}"` : `@${route.username}`;
                if (errorText(err) === NETWORK_ERROR || (route.name === 'channel' && route.channel === TOWN_SQUARE)) {
                    throw err;
                }
                // A stale link (renamed, archived, private, a person gone): Town Square.
                leaveStaleLink(`Could not open ${where}: ${staleReason(err)}`, lastPathKey, path, route.team);
                return;
            }
        } else if (route.name === 'threads') {
            setState({view: 'threads', sidebarOpen: false});
            await loadThreads();
            if (route.threadId) {
                await openThread(route.threadId);
            }
        }
        localStorage.setItem(lastPathKey, path);
        setState({error: ''});
    } catch (err) {
        if (path === localStorage.getItem(lastPathKey)) {
            localStorage.removeItem(lastPathKey);
        }
        setState({error: errorText(err)});
    } finally {
        firstViewShown();
    }
}

const TOWN_SQUARE = 'town-square';

function staleReason(err: unknown): string {
    const status = err && typeof err === 'object' && 'status_code' in err ? Number((err as {status_code: unknown}).status_code) : 0;
    if (status === 404) {
        return 'it does not exist (it may have been renamed).';
    }
    return status === 403 ? 'you do not have access to it.' : errorText(err);
}

/** Whether I am in the team the URL names (asking the server again before giving up:
 * I may have joined it in another tab). */
async function knownTeam(name: string): Promise<boolean> {
    if (getState().teams.some((t) => t.name === name)) {
        return true;
    }
    await loadTeams();
    return getState().teams.some((t) => t.name === name);
}

/** Say why, and go somewhere useful: the team's Town Square, my first team, or the
 * team list. */
function leaveStaleLink(why: string, lastPathKey: string, path: string, teamName = ''): void {
    if (localStorage.getItem(lastPathKey) === path) {
        localStorage.removeItem(lastPathKey);
    }
    const team = teamName || getState().teams[0]?.name;
    setState({notice: why, error: ''});
    navigate(team ? `/${team}/channels/${TOWN_SQUARE}` : '/select_team', true);
}
