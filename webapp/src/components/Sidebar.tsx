import {sidebarCategories} from '../categories';
import {navigate} from '../router';
import {setState, useAppState} from '../store';
import {openPanel} from '../ui';
import {MyStatus} from './MyStatus';
import {SidebarCategory} from './SidebarCategory';
import {TeamStrip} from './TeamStrip';

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
            <button class="link invite-people" onClick={() => openPanel('invite')}>Invite people</button>
            <button class="switcher-hint" onClick={() => setState({overlay: 'switcher'})}>Find channel <kbd>Ctrl K</kbd></button>
            <a href={`/${team.name}/threads`} class={`item ${s.view === 'threads' ? 'active' : ''} ${s.threads.unreadThreads ? 'unread' : ''}`} onClick={go(`/${team.name}/threads`)}>
                <span class="name">Threads</span>
                {s.threads.unreadMentions > 0 && <span class="badge">{s.threads.unreadMentions}</span>}
            </a>
            {sidebarCategories(s).filter(([c, list]) => c.type !== 'favorites' || list.length).map(([category, list]) => (
                <SidebarCategory key={category.id} s={s} teamName={team.name} category={category} channels={list} />
            ))}
        </nav>
    );
}
