import {navigate} from '../router';
import {useAppState} from '../store';

function initials(name: string): string {
    const words = name.trim().split(/\s+/).filter(Boolean);
    const letters = words.length > 1 ? words[0][0] + words[1][0] : name.slice(0, 2);
    return letters.toUpperCase();
}

/** My teams, with a mark on those holding unread messages and a count of mentions. */
export function TeamStrip() {
    const s = useAppState();
    return (
        <div class="team-strip" role="navigation" aria-label="Teams">
            {s.teams.map((t) => {
                const active = t.id === s.teamId;
                const unread = active ? undefined : s.teamUnreads[t.id];
                const path = `/${t.name}/channels/town-square`;
                const label = `${t.display_name}${unread?.mentions ? `, ${unread.mentions} mentions` : unread?.unread ? ', unread' : ''}`;
                return (
                    <a key={t.id} href={path} data-team={t.name} title={t.display_name}
                        class={`team ${active ? 'active' : ''} ${unread?.unread || unread?.mentions ? 'unread' : ''}`}
                        onClick={(e) => { e.preventDefault(); navigate(path); }}>
                        {/* The initials are what is seen, the name what is read out: a name
                            that does not contain the visible text confuses voice control. */}
                        {t.last_team_icon_update
                            ? <img class="team-icon" src={`/api/v4/teams/${t.id}/image?_=${t.last_team_icon_update}`} alt="" aria-hidden="true" />
                            : <span aria-hidden="true">{initials(t.display_name)}</span>}
                        <span class="sr-only">{label}</span>
                        {unread && unread.mentions > 0 && <span class="badge" aria-hidden="true" data-testid="team-mentions">{unread.mentions}</span>}
                    </a>
                );
            })}
            <a class="team more" href="/select_team" title="Other teams" aria-label="Other teams" onClick={(e) => { e.preventDefault(); navigate('/select_team'); }}>+</a>
        </div>
    );
}
