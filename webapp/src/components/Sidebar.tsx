import {channelPath, unreadOf} from '../channels';
import {navigate} from '../router';
import {logout} from '../session';
import {setState, useAppState, type Channel, type State} from '../store';
import {channelTitle} from '../users';

function sections(s: State): Array<[string, Channel[]]> {
    const mine = Object.values(s.channels).filter((c) => s.members[c.id] && !c.delete_at);
    const byName = (a: Channel, b: Channel) => channelTitle(a).localeCompare(channelTitle(b));
    return [
        ['Channels', mine.filter((c) => c.type === 'O' || c.type === 'P').sort(byName)],
        ['Direct messages', mine.filter((c) => c.type === 'D' || c.type === 'G').sort((a, b) => b.last_post_at - a.last_post_at)],
    ];
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
            <div class="team-header">
                <select aria-label="Team" value={team.name} onChange={(e) => {
                    const value = (e.currentTarget as HTMLSelectElement).value;
                    navigate(value === '' ? '/select_team' : `/${value}/channels/town-square`);
                }}>
                    {s.teams.map((t) => <option key={t.id} value={t.name}>{t.display_name}</option>)}
                    <option value="">Other teams…</option>
                </select>
                <span class={`dot ${s.connected ? 'on' : ''}`} title={s.connected ? 'Connected' : 'Reconnecting'} />
            </div>
            <div class="me">@{s.me?.username} <button class="link" onClick={() => void logout().then(() => navigate('/login'))}>Log out</button></div>
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
                                <span class="icon">{c.type === 'P' ? '🔒' : c.type === 'O' ? '#' : c.type === 'G' ? '👥' : '@'}</span>
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
