import type {Group} from '@mattermost/types/groups';
import type {UserProfile} from '@mattermost/types/users';
import {useEffect, useState} from 'preact/hooks';
import {client, errorText} from '../client';
import {addGroupMembers, archiveGroup, groupMembers, groupNameFrom, removeGroupMembers, renameGroup} from '../groups';
import {confirmAction} from '../ui';
import {rememberUsers} from '../users';
import './messaging.css';

/** One user group: its members (added and removed), its names, archiving it. What the
 * server refuses (403 without the permission, a name taken) is shown where it was asked. */
export function GroupPage({group, back}: {group: Group; back: () => void}) {
    const [current, setCurrent] = useState(group);
    // Groups from the LDAP directory follow it: the server refuses changes, so none are offered.
    const custom = group.source === 'custom';
    const [members, setMembers] = useState<UserProfile[] | null>(null);
    const [total, setTotal] = useState(0);
    const [error, setError] = useState('');
    const load = () => groupMembers(group.id).then(({members: list, total: count}) => {
        rememberUsers(list);
        setMembers(list);
        setTotal(count);
    }, (err) => setError(errorText(err)));
    useEffect(() => {
        void load();
    }, [group.id]);
    const change = async (action: () => Promise<unknown>) => {
        setError('');
        try {
            await action();
            await load();
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <div class="group-page" aria-label={`Group ${current.display_name}`}>
            <h3>{current.display_name} <span class="muted small">@{current.name}</span></h3>
            {custom ? <Rename group={current} renamed={setCurrent} /> : <p class="muted small">This group follows the directory (LDAP): it is changed there.</p>}
            <section aria-label="Members">
                <h4>Members ({total})</h4>
                {error && <p class="error" role="alert">{error}</p>}
                <ul class="choices group-members" aria-label={`Members of ${current.display_name}`}>
                    {members === null && <li class="muted">Loading…</li>}
                    {members?.length === 0 && <li class="muted">No members.</li>}
                    {(members || []).map((u) => (
                        <li key={u.id} data-user={u.username}>
                            <span>@{u.username} <span class="muted small">{[u.first_name, u.last_name].filter(Boolean).join(' ')}</span></span>
                            {custom && <button aria-label={`Remove @${u.username} from the group`} onClick={() => void change(() => removeGroupMembers(group.id, [u.id]))}>Remove</button>}
                        </li>
                    ))}
                </ul>
                {custom && <AddPeople members={members || []} add={(u) => change(() => addGroupMembers(group.id, [u.id]))} />}
            </section>
            {custom && <Archive group={current} archived={back} />}
            <div class="buttons"><button onClick={back}>Back to groups</button></div>
        </div>
    );
}

function Rename({group, renamed}: {group: Group; renamed: (g: Group) => void}) {
    const [displayName, setDisplayName] = useState(group.display_name);
    const [name, setName] = useState(group.name);
    const [error, setError] = useState('');
    const [note, setNote] = useState('');
    const submit = async (event: Event) => {
        event.preventDefault();
        setError('');
        setNote('');
        try {
            renamed(await renameGroup(group.id, displayName.trim(), name.trim()));
            setNote('Saved.');
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <form onSubmit={submit} aria-label="Rename the group">
            <label>Name<input value={displayName} required maxLength={128} onInput={(e) => {
                const value = (e.currentTarget as HTMLInputElement).value;
                setDisplayName(value);
                if (name === groupNameFrom(displayName)) {
                    setName(groupNameFrom(value));
                }
            }} /></label>
            <label>Mention<input value={name} required maxLength={64} pattern="[a-z0-9._\\-]+" title="Lower-case letters, digits, . - and _"
                onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></label>
            {error && <p class="error" role="alert">{error}</p>}
            {note && <p class="muted small" role="status">{note}</p>}
            <button type="submit">Save name</button>
        </form>
    );
}

function AddPeople({members, add}: {members: UserProfile[]; add: (u: UserProfile) => Promise<void>}) {
    const [term, setTerm] = useState('');
    const found = usePeopleSearch(term).filter((u) => !members.some((m) => m.id === u.id));
    return (
        <div>
            <label>Add people<input type="search" value={term} placeholder="Search people" onInput={(e) => setTerm((e.currentTarget as HTMLInputElement).value)} /></label>
            {found.length > 0 && (
                <ul class="choices" aria-label="People found">
                    {found.map((u) => (
                        <li key={u.id}><span>@{u.username}</span>
                            <button type="button" aria-label={`Add @${u.username} to the group`} onClick={() => void add(u).then(() => setTerm(''))}>Add</button></li>
                    ))}
                </ul>
            )}
        </div>
    );
}

function Archive({group, archived}: {group: Group; archived: () => void}) {
    const [error, setError] = useState('');
    const archive = async () => {
        if (!(await confirmAction(`Archive the group ${group.display_name}? @${group.name} will no longer mention anyone.`, 'Archive'))) {
            return;
        }
        setError('');
        try {
            await archiveGroup(group.id);
            archived();
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <section aria-label="Archive the group">
            {error && <p class="error" role="alert">{error}</p>}
            <button class="danger" onClick={() => void archive()}>Archive group</button>
        </section>
    );
}

/** People whose name starts with the term (after a short pause in typing), for a
 * group's members: none while the term is empty. */
export function usePeopleSearch(term: string): UserProfile[] {
    const [found, setFound] = useState<UserProfile[]>([]);
    useEffect(() => {
        if (!term.trim()) {
            setFound([]);
            return;
        }
        let stale = false;
        const timer = window.setTimeout(() => {
            client.autocompleteUsers(term.trim(), '', '', {limit: 10}).then(
                (r) => !stale && setFound((r.users || []).filter((u) => !u.delete_at && !u.is_bot)),
                () => !stale && setFound([]),
            );
        }, 150);
        return () => {
            stale = true;
            window.clearTimeout(timer);
        };
    }, [term]);
    return found;
}
