import type {UserProfile} from '@mattermost/types/users';
import {useEffect, useState} from 'preact/hooks';
import {errorText} from '../client';
import {MAX_EMAIL_INVITES, addToTeam, canManageTeam, findPeopleOutside, inviteByEmail, inviteLink, parseEmails, regenerateInvite} from '../invites';
import {useAppState} from '../store';
import {confirmAction} from '../ui';
import {rememberUsers} from '../users';
import {useFocusOnMount} from './focus';
import {GuestInvites} from './GuestInvites';

/** Invite people to the open team: its link, people already on the server, emails. */
export function InviteDialog() {
    const s = useAppState();
    const team = s.teams.find((t) => t.id === s.teamId);
    if (!team) {
        return null;
    }
    return (
        <div class="invite" aria-label={`Invite people to ${team.display_name}`}>
            <h3>Invite people to {team.display_name}</h3>
            <InviteLink teamId={team.id} />
            <AddPeople teamId={team.id} />
            <EmailInvites teamId={team.id} />
            <GuestInvites teamId={team.id} />
        </div>
    );
}

function InviteLink({teamId}: {teamId: string}) {
    const team = useAppState().teams.find((t) => t.id === teamId)!;
    const [admin, setAdmin] = useState(false);
    const [note, setNote] = useState('');
    const [error, setError] = useState('');
    const link = inviteLink(team);
    useEffect(() => {
        canManageTeam(teamId).then(setAdmin, () => setAdmin(false));
    }, [teamId]);
    const copy = async () => {
        setError('');
        try {
            await navigator.clipboard.writeText(link);
            setNote('Link copied.');
        } catch {
            // No clipboard (an insecure origin, say): select the text to copy by hand.
            (document.getElementById('invite-link') as HTMLInputElement | null)?.select();
            setNote('Press Ctrl+C to copy the selected link.');
        }
    };
    const regenerate = async () => {
        if (!(await confirmAction('Make a new invite link? The current link stops working.', 'Regenerate'))) {
            return;
        }
        setError('');
        try {
            await regenerateInvite(teamId);
            setNote('New link made; the old one no longer works.');
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <section aria-label="Invite link">
            <h4>Invite link</h4>
            <p class="muted small">Anyone with this link can join the team, even when it is invite-only.</p>
            {link ? (
                <div class="inline">
                    <input id="invite-link" readOnly value={link} aria-label="Invite link" onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
                    <button onClick={() => void copy()}>Copy link</button>
                </div>
            ) : <p class="muted">The server did not share this team's link with you.</p>}
            {admin && <button class="link small" onClick={() => void regenerate()}>Regenerate link</button>}
            {note && <p class="muted small" role="status">{note}</p>}
            {error && <p class="error" role="alert">{error}</p>}
        </section>
    );
}

function AddPeople({teamId}: {teamId: string}) {
    const [term, setTerm] = useState('');
    const [found, setFound] = useState<UserProfile[] | null>(null);
    const [chosen, setChosen] = useState<UserProfile[]>([]);
    const [note, setNote] = useState('');
    const [error, setError] = useState('');
    const input = useFocusOnMount<HTMLInputElement>();
    useEffect(() => {
        let current = true;
        const timer = window.setTimeout(() => {
            findPeopleOutside(teamId, term).then((users) => {
                if (current) {
                    rememberUsers(users);
                    setFound(users);
                }
            }, (err) => current && setError(errorText(err)));
        }, 150);
        return () => {
            current = false;
            window.clearTimeout(timer);
        };
    }, [term, teamId]);
    const add = async () => {
        setError('');
        setNote('');
        try {
            await addToTeam(teamId, chosen.map((u) => u.id));
            setNote(`Added ${chosen.map((u) => `@${u.username}`).join(', ')} to the team.`);
            setFound((list) => (list || []).filter((u) => !chosen.some((c) => c.id === u.id)));
            setChosen([]);
        } catch (err) {
            setError(errorText(err));
        }
    };
    const shown = (found || []).filter((u) => !chosen.some((c) => c.id === u.id)).slice(0, 10);
    return (
        <section aria-label="Add people">
            <h4>Add people to the team</h4>
            <div class="chips">{chosen.map((u) => (
                <span key={u.id} class="chip">@{u.username} <button aria-label={`Remove @${u.username}`} onClick={() => setChosen(chosen.filter((x) => x.id !== u.id))}>×</button></span>
            ))}</div>
            <input ref={input} placeholder="Search people" aria-label="Search people to add" value={term} onInput={(e) => setTerm((e.currentTarget as HTMLInputElement).value)} />
            <ul class="choices" aria-label="People not in the team">
                {found === null && <li class="muted">Loading…</li>}
                {found !== null && !shown.length && <li class="muted">{term.trim() ? 'No one matches.' : 'Everyone is already in the team.'}</li>}
                {shown.map((u) => (
                    <li key={u.id} data-user={u.username}>
                        <span>@{u.username} <span class="muted small">{[u.first_name, u.last_name].filter(Boolean).join(' ')}</span></span>
                        <button onClick={() => setChosen([...chosen, u])}>Choose</button>
                    </li>
                ))}
            </ul>
            {note && <p class="muted small" role="status">{note}</p>}
            {error && <p class="error" role="alert">{error}</p>}
            <button class="primary" disabled={!chosen.length} onClick={() => void add()}>Add to team</button>
        </section>
    );
}

function EmailInvites({teamId}: {teamId: string}) {
    const [text, setText] = useState('');
    const [note, setNote] = useState('');
    const [error, setError] = useState('');
    const send = async (event: Event) => {
        event.preventDefault();
        const emails = parseEmails(text);
        setNote('');
        setError('');
        if (!emails.length) {
            setError('Enter at least one email address.');
            return;
        }
        if (emails.length > MAX_EMAIL_INVITES) {
            setError(`At most ${MAX_EMAIL_INVITES} addresses at a time.`);
            return;
        }
        try {
            await inviteByEmail(teamId, emails);
            setNote(`Invitation sent to ${emails.join(', ')}.`);
            setText('');
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <form aria-label="Invite by email" onSubmit={send}>
            <h4>Invite by email</h4>
            <label>Email addresses (separated by commas or spaces)
                <textarea name="emails" rows={2} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
            </label>
            {note && <p class="muted small" role="status">{note}</p>}
            {error && <p class="error" role="alert">{error}</p>}
            <button class="primary" type="submit">Send invitations</button>
        </form>
    );
}
