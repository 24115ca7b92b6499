import {useEffect} from 'preact/hooks';
import {errorText} from '../client';
import {enterTeam, firstViewShown, openChannelByName, openDirect} from '../channels';
import {navigate, parse, usePath} from '../router';
import {getState, setState, useAppState} from '../store';
import {loadThreads, openThread} from '../threads';
import {ChannelView} from './ChannelView';
import {Login} from './Login';
import {Overlays} from './Overlays';
import {MfaRequired} from './SecuritySettings';
import {RightPanel} from './RightPanel';
import {Sidebar} from './Sidebar';
import {TeamSelect} from './TeamSelect';
import {ThreadsView} from './ThreadsView';
import {useShortcuts} from './shortcuts';

const NOTICE_MS = 10_000;

export function App() {
    const s = useAppState();
    const path = usePath();
    useEffect(() => {
        if (s.booted && s.me && !s.mfaRequired) {
            void follow(path);
        }
    }, [path, s.booted, s.me?.id]);
    useShortcuts();
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
    if (route.name === 'select_team' || (!s.teams.length && route.name !== 'root')) {
        return <TeamSelect />;
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
        if (route.name === 'select_team') {
            return;
        }
        const teamId = await enterTeam(route.team);
        if (route.name === 'channel') {
            await openChannelByName(teamId, route.channel);
        } else if (route.name === 'dm') {
            await openDirect(route.username);
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
