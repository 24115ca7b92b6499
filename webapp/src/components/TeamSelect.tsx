import {useEffect, useState} from 'preact/hooks';
import type {Team} from '@mattermost/types/teams';
import {client, errorText} from '../client';
import {loadTeams, slug} from '../channels';
import {navigate} from '../router';
import {logout} from '../session';
import {getState, useAppState} from '../store';

export function TeamSelect() {
    const {teams} = useAppState();
    const [open, setOpen] = useState<Team[]>([]);
    const [error, setError] = useState('');
    useEffect(() => {
        client.getTeams(0, 200).then((all) => setOpen((all as Team[]).filter((t) => t.allow_open_invite || t.type === 'O')), () => setOpen([]));
    }, []);
    const mine = new Set(teams.map((t) => t.id));
    const join = async (team: Team) => {
        try {
            await client.addToTeam(team.id, getState().me!.id);
            await loadTeams();
            navigate(`/${team.name}/channels/town-square`);
        } catch (err) {
            setError(errorText(err));
        }
    };
    const create = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const displayName = String(form.get('display_name') || '').trim();
        try {
            const team = await client.createTeam({name: slug(displayName), display_name: displayName, type: 'O'} as Team);
            await loadTeams();
            navigate(`/${team.name}/channels/town-square`);
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <div class="auth">
            <div class="card wide">
                <h1 class="brand">Roost</h1>
                {teams.length > 0 && (
                    <>
                        <h2>Your teams</h2>
                        <ul class="team-list">
                            {teams.map((t) => (
                                <li key={t.id}><a href={`/${t.name}/channels/town-square`} onClick={(e) => { e.preventDefault(); navigate(`/${t.name}/channels/town-square`); }}>{t.display_name}</a></li>
                            ))}
                        </ul>
                    </>
                )}
                <h2>Join a team</h2>
                <ul class="team-list">
                    {open.filter((t) => !mine.has(t.id)).map((t) => (
                        <li key={t.id}>{t.display_name} <button onClick={() => void join(t)}>Join</button></li>
                    ))}
                    {!open.some((t) => !mine.has(t.id)) && <li class="muted">No other open teams.</li>}
                </ul>
                <h2>Create a team</h2>
                <form class="inline" onSubmit={create}>
                    <input name="display_name" placeholder="Team name" required minLength={2} maxLength={64} />
                    <button class="primary" type="submit">Create</button>
                </form>
                {error && <p class="error" role="alert">{error}</p>}
                <p><button class="link" onClick={() => void logout().then(() => navigate('/login'))}>Log out</button></p>
            </div>
        </div>
    );
}
