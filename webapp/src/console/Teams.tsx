// Teams and channels: list and search, archive and restore, convert a channel between
// public and private, move it to another team, see the members.
import type {Channel} from '@mattermost/types/channels';
import type {Team} from '@mattermost/types/teams';
import type {UserProfile} from '@mattermost/types/users';
import {useState} from 'preact/hooks';
import {api, moveChannel} from './api';
import {ConfirmButton, ErrorLine, OutcomeLine, Page, useAction, useLoad} from './ui';

const PAGE = 200;
const MEMBERS = 200;

const byName = (teams: Team[]) => teams.sort((a, b) => a.display_name.localeCompare(b.display_name));
const loadTeams = async () => byName((await api.getTeams(0, PAGE, false)) as Team[]);
// The teams page lists archived teams too, to restore them (a system admin's listing).
const loadAllTeams = async () => byName(await api.call<Team[]>(`/teams?include_deleted=true&per_page=${PAGE}`));

/** The people behind member rows (ids), by id. */
async function people(ids: string[]): Promise<UserProfile[]> {
    return ids.length ? api.getProfilesByIds(ids) : [];
}

function Members({load}: {load: () => Promise<string[]>}) {
    const members = useLoad(async () => people(await load()));
    return (
        <section class="console-sub" aria-label="Members">
            <h4>Members {members.data && <span class="muted">({members.data.length}{members.data.length >= MEMBERS ? '+' : ''})</span>}</h4>
            <ErrorLine error={members.error} />
            <ul class="console-chips">
                {[...(members.data ?? [])].sort((a, b) => a.username.localeCompare(b.username)).map((u) => <li key={u.id}>@{u.username}</li>)}
            </ul>
        </section>
    );
}

export function TeamsPage() {
    const teams = useLoad(loadAllTeams);
    const [filter, setFilter] = useState('');
    const [selected, setSelected] = useState('');
    const [outcome, run] = useAction();
    const wanted = filter.trim().toLowerCase();
    const shown = (teams.data ?? []).filter((t) => !wanted || t.name.includes(wanted) || t.display_name.toLowerCase().includes(wanted));
    const team = shown.find((t) => t.id === selected);
    const archive = async (t: Team) => {
        if (await run(() => api.deleteTeam(t.id), `${t.display_name} is archived.`)) {
            setSelected('');
            teams.reload();
        }
    };
    const restore = async (t: Team) => {
        if (await run(() => api.unarchiveTeam(t.id), `${t.display_name} is restored.`)) {
            teams.reload();
        }
    };
    return (
        <Page title="Teams">
            <input class="console-filter" aria-label="Search teams" placeholder="Search teams" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            <ErrorLine error={teams.error} />
            <OutcomeLine outcome={outcome} />
            <table class="console-table" aria-label="Teams">
                <thead><tr><th>Team</th><th>URL name</th><th>Access</th><th>State</th><th /></tr></thead>
                <tbody>
                    {shown.map((t) => (
                        <tr key={t.id} class={t.id === selected ? 'selected' : ''} data-team={t.name}>
                            <td><button class="link" onClick={() => setSelected(t.id === selected ? '' : t.id)}>{t.display_name}</button></td>
                            <td>{t.name}</td>
                            <td>{t.type === 'O' ? 'Open' : 'Invite only'}</td>
                            <td>{t.delete_at ? 'Archived' : 'Active'}</td>
                            <td>
                                {t.delete_at
                                    ? <button onClick={() => void restore(t)}>Restore</button>
                                    : <ConfirmButton label="Archive" onConfirm={() => void archive(t)} />}
                            </td>
                        </tr>
                    ))}
                </tbody>
            </table>
            {team && <Members key={team.id} load={async () => (await api.getTeamMembers(team.id, 0, MEMBERS)).map((m) => m.user_id)} />}
        </Page>
    );
}

type Found = {channels: Channel[]; total_count: number};

export function ChannelsPage() {
    const teams = useLoad(loadTeams);
    const [term, setTerm] = useState('');
    const [query, setQuery] = useState('');
    const [selected, setSelected] = useState('');
    const found = useLoad(
        () => api.call<Found>('/channels/search', 'post', {term: query, include_deleted: true, page: 0, per_page: PAGE}),
        [query],
    );
    const teamName = (id: string) => teams.data?.find((t) => t.id === id)?.display_name ?? id;
    const channels = found.data?.channels ?? [];
    const channel = channels.find((c) => c.id === selected);
    return (
        <Page title="Channels">
            <form class="console-search" role="search" onSubmit={(e) => { e.preventDefault(); setQuery(term.trim()); }}>
                <input aria-label="Search channels" placeholder="Search channels by name" value={term} onInput={(e) => setTerm(e.currentTarget.value)} />
                <button type="submit">Search</button>
            </form>
            <ErrorLine error={found.error || teams.error} />
            {found.data && <p class="muted small">{found.data.total_count} channel{found.data.total_count === 1 ? '' : 's'}</p>}
            <table class="console-table" aria-label="Channels">
                <thead><tr><th>Channel</th><th>Team</th><th>Type</th><th>State</th></tr></thead>
                <tbody>
                    {channels.map((c) => (
                        <tr key={c.id} class={c.id === selected ? 'selected' : ''} data-channel={c.name}>
                            <td><button class="link" onClick={() => setSelected(c.id === selected ? '' : c.id)}>{c.display_name}</button> <span class="muted">~{c.name}</span></td>
                            <td>{teamName(c.team_id)}</td>
                            <td>{c.type === 'P' ? 'Private' : 'Public'}</td>
                            <td>{c.delete_at ? 'Archived' : 'Active'}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
            {channel && <ChannelDetail key={`${channel.id}:${channel.team_id}:${channel.type}:${channel.delete_at}`} channel={channel} teams={teams.data ?? []} onChanged={found.reload} />}
        </Page>
    );
}

function ChannelDetail({channel, teams, onChanged}: {channel: Channel; teams: Team[]; onChanged: () => void}) {
    const [outcome, run] = useAction();
    const [target, setTarget] = useState('');
    const [force, setForce] = useState(false);
    const act = async (work: () => Promise<unknown>, note: string) => {
        if (await run(work, note)) {
            onChanged();
        }
    };
    const others = teams.filter((t) => t.id !== channel.team_id);
    return (
        <section class="console-detail" aria-label={`Channel ${channel.display_name}`}>
            <h3>{channel.display_name} <span class="muted">~{channel.name}</span></h3>
            <OutcomeLine outcome={outcome} />
            <div class="console-actions">
                {channel.delete_at
                    ? <button onClick={() => void act(() => api.unarchiveChannel(channel.id), `${channel.display_name} is restored.`)}>Restore</button>
                    : <ConfirmButton label="Archive" onConfirm={() => void act(() => api.deleteChannel(channel.id), `${channel.display_name} is archived.`)} />}
                {!channel.delete_at && (channel.type === 'O'
                    ? <ConfirmButton label="Make private" danger={false} onConfirm={() => void act(() => api.updateChannelPrivacy(channel.id, 'P'), `${channel.display_name} is private.`)} />
                    : <ConfirmButton label="Make public" danger={false} onConfirm={() => void act(() => api.updateChannelPrivacy(channel.id, 'O'), `${channel.display_name} is public.`)} />)}
            </div>
            {!channel.delete_at && (
                <form class="console-form inline" aria-label="Move to another team" onSubmit={(e) => { e.preventDefault(); void act(() => moveChannel(channel.id, target, force), 'Channel moved.'); }}>
                    <label>Move to team
                        <select value={target} onChange={(e) => setTarget(e.currentTarget.value)} required>
                            <option value="">Choose a team…</option>
                            {others.map((t) => <option key={t.id} value={t.id}>{t.display_name}</option>)}
                        </select>
                    </label>
                    <label class="check"><input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> even if some members are not in that team</label>
                    <button type="submit" disabled={!target}>Move</button>
                </form>
            )}
            <Members load={async () => (await api.getChannelMembers(channel.id, 0, MEMBERS)).map((m) => m.user_id)} />
        </section>
    );
}
