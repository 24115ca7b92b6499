import {channelPath, unreadOf} from '../channels';
import {navigate} from '../router';
import {setState, useAppState, type Channel, type State} from '../store';
import {channelTitle, dmPartnerId} from '../users';
import {MyStatus} from './MyStatus';
import {StatusDot} from './StatusDot';
import {TeamStrip} from './TeamStrip';

function sections(s: State): Array<[string, Channel[]]> {
    const mine = Object.values(s.channels).filter((c) => s.members[c.id] && !c.delete_at);
    const byName = (a: Channel, b: Channel) => channelTitle(a).localeCompare(channelTitle(b));
    return [
        ['Channels', mine.filter((c) => c.type === 'O' || c.type === 'P').sort(byName)],
        ['Direct messages', mine.filter((c) => c.type === 'D' || c.type === 'G').sort((a, b) => b.last_post_at - a.last_post_at)],
    ];
}

function icon(s: State, c: Channel) {
    if (c.type === 'D') {
        return <StatusDot status={s.statuses[dmPartnerId(c.name)]} />;
    }
    return c.type === 'P' ? '🔒' : c.type === 'O' ? '#' : '👥';
}

export function Sidebar() {
    const s = useAppState();
    const team = s.teams.find((t) => t.id === s.teamId);
    if (!team) {
        return <nav class="sidebar" />;
    }
    const go = (path: string) => (event: Event) => {
        event.preventDefault();
        navigate(path);
    };
    return (
        <nav class="sidebar" aria-label="Channels">
            <TeamStrip />
            <div class="team-header">
                <h1 class="team-name">{team.display_name}</h1>
                <span class={`dot ${s.connected ? 'on' : ''}`} title={s.connected ? 'Connected' : 'Reconnecting'} />
            </div>
            <MyStatus />
            <button class="switcher-hint" onClick={() => setState({overlay: 'switcher'})}>Find channel <kbd>Ctrl K</kbd></button>
            <a href={`/${team.name}/threads`} class={`item ${s.view === 'threads' ? 'active' : ''} ${s.threads.unreadThreads ? 'unread' : ''}`} onClick={go(`/${team.name}/threads`)}>
                <span class="name">Threads</span>
                {s.threads.unreadMentions > 0 && <span class="badge">{s.threads.unreadMentions}</span>}
            </a>
            {sections(s).map(([title, list]) => (
                <section key={title}>
                    <h3>
                        {title}
                        <button class="add" title={title === 'Channels' ? 'Browse or create channels' : 'Write to someone'} aria-label={title === 'Channels' ? 'Add channel' : 'New message'}
                            onClick={() => setState({overlay: title === 'Channels' ? 'browse' : 'new-dm'})}>+</button>
                    </h3>
                    {list.map((c) => {
                        const {unread, mentions} = unreadOf(c, s.members[c.id]);
                        const active = s.view === 'channel' && c.id === s.channelId;
                        return (
                            <a key={c.id} href={channelPath(team.name, c)} data-channel={c.name}
                                class={`item ${active ? 'active' : ''} ${unread && !active ? 'unread' : ''}`}
                                onClick={go(channelPath(team.name, c))}>
                                <span class="icon">{icon(s, c)}</span>
                                <span class="name">{channelTitle(c)}</span>
                                {mentions > 0 && !active && <span class="badge" data-testid="mention-badge">{mentions}</span>}
                            </a>
                        );
                    })}
                </section>
            ))}
        </nav>
    );
}
