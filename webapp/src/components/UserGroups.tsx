import type {Group} from '@mattermost/types/groups';
import type {UserProfile} from '@mattermost/types/users';
import {useEffect, useState} from 'preact/hooks';
import {errorText} from '../client';
import {createGroup, findGroups, groupNameFrom} from '../groups';
import {setState} from '../store';
import {GroupPage, usePeopleSearch} from './GroupPage';

/** The groups people can @mention, and a form to make one with its members. */
export function UserGroups() {
    const [groups, setGroups] = useState<Group[] | null>(null);
    const [error, setError] = useState('');
    const [making, setMaking] = useState(false);
    const [open, setOpen] = useState<Group | null>(null);
    const load = () => findGroups('').then(setGroups, (err) => setError(errorText(err)));
    useEffect(() => {
        void load();
    }, []);
    if (making) {
        return <NewGroup done={() => { setMaking(false); void load(); }} />;
    }
    if (open) {
        return <GroupPage group={open} back={() => { setOpen(null); void load(); }} />;
    }
    return (
        <div>
            <h3>User groups</h3>
            <button class="primary" onClick={() => setMaking(true)}>Create a group</button>
            {error && <p class="error" role="alert">{error}</p>}
            <ul class="choices" aria-label="User groups">
                {groups === null && <li class="muted">Loading…</li>}
                {groups?.length === 0 && <li class="muted">No groups yet.</li>}
                {(groups || []).map((g) => (
                    <li key={g.id} data-group={g.name}>
                        <span>{g.display_name} <span class="muted small">@{g.name}</span></span>
                        <span class="buttons">
                            <span class="muted small">{g.member_count ?? 0} members</span>
                            <button aria-label={`Open ${g.display_name}`} onClick={() => setOpen(g)}>Open</button>
                        </span>
                    </li>
                ))}
            </ul>
            <div class="buttons"><button onClick={() => setState({overlay: ''})}>Close</button></div>
        </div>
    );
}

function NewGroup({done}: {done: () => void}) {
    const [displayName, setDisplayName] = useState('');
    const [name, setName] = useState('');
    const [named, setNamed] = useState(false);
    const [term, setTerm] = useState('');
    const found = usePeopleSearch(term);
    const [chosen, setChosen] = useState<UserProfile[]>([]);
    const [error, setError] = useState('');
    const submit = async (event: Event) => {
        event.preventDefault();
        setError('');
        try {
            await createGroup(displayName.trim(), name.trim(), chosen.map((u) => u.id));
            done();
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <form onSubmit={submit} aria-label="Create a group">
            <h3>Create a group</h3>
            <label>Name<input value={displayName} required maxLength={128} autoFocus onInput={(e) => {
                const value = (e.currentTarget as HTMLInputElement).value;
                setDisplayName(value);
                if (!named) {
                    setName(groupNameFrom(value));
                }
            }} /></label>
            <label>Mention<input value={name} required maxLength={64} pattern="[a-z0-9._\\-]+" title="Lower-case letters, digits, . - and _"
                onInput={(e) => { setNamed(true); setName((e.currentTarget as HTMLInputElement).value); }} /></label>
            <label>Add people<input type="search" value={term} placeholder="Search people" onInput={(e) => setTerm((e.currentTarget as HTMLInputElement).value)} /></label>
            {found.length > 0 && (
                <ul class="choices" aria-label="People found">
                    {found.filter((u) => !chosen.some((c) => c.id === u.id)).map((u) => (
                        <li key={u.id}><span>@{u.username}</span><button type="button" onClick={() => { setChosen([...chosen, u]); setTerm(''); }}>Add</button></li>
                    ))}
                </ul>
            )}
            {chosen.length > 0 && (
                <div class="pending-files" aria-label="Members">
                    {chosen.map((u) => (
                        <span class="chip" key={u.id}>@{u.username} <button type="button" aria-label={`Remove ${u.username}`}
                            onClick={() => setChosen(chosen.filter((c) => c.id !== u.id))}>×</button></span>
                    ))}
                </div>
            )}
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                <button type="button" onClick={done}>Cancel</button>
                <button class="primary" type="submit" disabled={!chosen.length}>Create</button>
            </div>
        </form>
    );
}
