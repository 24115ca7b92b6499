import {useEffect, useState} from 'preact/hooks';
import type {Team} from '@mattermost/types/teams';
import {client, errorText} from '../client';
import {loadTeams, slug} from '../channels';
import {navigate} from '../router';
import {logout} from '../session';
import {inviteIdFrom, joinByInvite} from '../invites';
import {getState, setState, useAppState} from '../store';

export function TeamSelect() {
    const {teams, notice} = useAppState();
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
    const joinLink = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const inviteId = inviteIdFrom(String(form.get('invite') || ''));
        if (!inviteId) {
            setError('That is not an invite link: it looks like https://…/signup_user_complete/?id=…');
            return;
        }
        try {
            const name = await joinByInvite(inviteId);
            navigate(`/${name}/channels/town-square`);
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <div class="auth">
            <div class="card wide">
                <h1 class="brand">Roost</h1>
                {notice && <p class="notice" role="status" data-testid="notice">{notice} <button class="link" aria-label="Dismiss" onClick={() => setState({notice: ''})}>×</button></p>}
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
                    {!open.some((t) => !mine.has(t.id)) && <li class="muted">No other open teams. An invite-only team needs its invite link.</li>}
                </ul>
                <form class="inline" onSubmit={joinLink} aria-label="Join with an invite link">
                    <input name="invite" placeholder="Paste an invite link" aria-label="Invite link" required maxLength={512} />
                    <button type="submit">Join</button>
                </form>
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
