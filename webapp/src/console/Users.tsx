// Users: search, create, and for one person: activate or deactivate, reset the
// password, the system admin role, sessions and personal access tokens.
import type {Session} from '@mattermost/types/sessions';
import type {UserProfile} from '@mattermost/types/users';
import {useState} from 'preact/hooks';
import {api} from './api';
import {ConfirmButton, ErrorLine, OutcomeLine, Page, useAction, useLoad, when} from './ui';

const PAGE = 100;

/** Where a session signed in from, as the server describes it. */
function describe(session: Session): string {
    const props = session.props || {};
    const parts = [props.platform, props.browser, props.os].filter((p) => p && p !== 'Unknown');
    if (session.device_id) {
        parts.unshift('Mobile app');
    }
    return parts.length ? parts.join(' · ') : 'Unknown device';
}

const isAdmin = (user: UserProfile) => user.roles.split(' ').includes('system_admin');

export function UsersPage() {
    const [term, setTerm] = useState('');
    const [query, setQuery] = useState('');
    const [selected, setSelected] = useState('');
    const [creating, setCreating] = useState(false);
    const list = useLoad(
        () => (query ? api.searchUsers(query, {allow_inactive: true, limit: PAGE}) : api.getProfiles(0, PAGE)),
        [query],
    );
    const users = [...(list.data ?? [])].sort((a, b) => a.username.localeCompare(b.username));
    const user = users.find((u) => u.id === selected);
    return (
        <Page title="Users" actions={<button class="primary" onClick={() => setCreating(!creating)}>Create user</button>}>
            {creating && <CreateUser onCreated={(created) => { setCreating(false); setQuery(created.username); setTerm(created.username); setSelected(created.id); }} />}
            <form class="console-search" role="search" onSubmit={(e) => { e.preventDefault(); setQuery(term.trim()); }}>
                <input aria-label="Search users" placeholder="Search by username, name or email" value={term} onInput={(e) => setTerm(e.currentTarget.value)} />
                <button type="submit">Search</button>
            </form>
            <ErrorLine error={list.error} />
            <table class="console-table" aria-label="Users">
                <thead><tr><th>User</th><th>Email</th><th>Role</th><th>Status</th></tr></thead>
                <tbody>
                    {users.map((u) => (
                        <tr key={u.id} class={u.id === selected ? 'selected' : ''} data-user={u.username}>
                            <td><button class="link" onClick={() => setSelected(u.id === selected ? '' : u.id)}>@{u.username}</button> <span class="muted">{[u.first_name, u.last_name].filter(Boolean).join(' ')}</span></td>
                            <td>{u.email}</td>
                            <td>{isAdmin(u) ? 'System admin' : 'Member'}</td>
                            <td>{u.delete_at ? 'Deactivated' : 'Active'}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
            {list.data && !users.length && <p class="muted">No one matches.</p>}
            {user && <UserDetail key={user.id} user={user} onChanged={list.reload} />}
        </Page>
    );
}

function CreateUser({onCreated}: {onCreated: (user: UserProfile) => void}) {
    const [username, setUsername] = useState('');
    const [email, setEmail] = useState('');
    const [password, setPassword] = useState('');
    const [outcome, run] = useAction();
    const submit = (event: Event) => {
        event.preventDefault();
        void run(async () => {
            const user = await api.createUser({username, email, password} as UserProfile, '', '');
            onCreated(user);
        });
    };
    return (
        <form class="console-form" aria-label="Create user" onSubmit={submit}>
            <label>Username <input value={username} onInput={(e) => setUsername(e.currentTarget.value)} required /></label>
            <label>Email <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required /></label>
            <label>Password <input type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required /></label>
            <button class="primary" type="submit">Create</button>
            <OutcomeLine outcome={outcome} />
        </form>
    );
}

function UserDetail({user, onChanged}: {user: UserProfile; onChanged: () => void}) {
    const [outcome, run] = useAction();
    const [password, setPassword] = useState('');
    const act = async (work: () => Promise<unknown>, note: string) => {
        if (await run(work, note)) {
            onChanged();
        }
    };
    const admin = isAdmin(user);
    const roles = (on: boolean) => {
        const others = user.roles.split(' ').filter((r) => r && r !== 'system_admin');
        return (on ? [...others, 'system_admin'] : others).join(' ');
    };
    return (
        <section class="console-detail" aria-label={`User @${user.username}`}>
            <h3>@{user.username} <span class="muted">{user.delete_at ? 'deactivated' : 'active'}</span></h3>
            <OutcomeLine outcome={outcome} />
            <div class="console-actions">
                {user.delete_at
                    ? <button onClick={() => void act(() => api.updateUserActive(user.id, true), `@${user.username} is active again.`)}>Activate</button>
                    : <ConfirmButton label="Deactivate" onConfirm={() => void act(() => api.updateUserActive(user.id, false), `@${user.username} is deactivated; their sessions ended.`)} />}
                {admin
                    ? <ConfirmButton label="Make member" onConfirm={() => void act(() => api.updateUserRoles(user.id, roles(false)), `@${user.username} is no longer a system admin.`)} />
                    : <ConfirmButton label="Make system admin" danger={false} onConfirm={() => void act(() => api.updateUserRoles(user.id, roles(true)), `@${user.username} is a system admin.`)} />}
            </div>
            <form class="console-form inline" aria-label="Reset password" onSubmit={(e) => { e.preventDefault(); void act(() => api.updateUserPassword(user.id, '', password), 'Password changed.').then(() => setPassword('')); }}>
                <label>New password <input type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required /></label>
                <button type="submit">Reset password</button>
            </form>
            <Sessions user={user} />
            <Tokens user={user} />
        </section>
    );
}

function Sessions({user}: {user: UserProfile}) {
    const sessions = useLoad(() => api.getSessions(user.id), [user.id]);
    const [outcome, run] = useAction();
    const act = async (work: () => Promise<unknown>, note: string) => {
        if (await run(work, note)) {
            sessions.reload();
        }
    };
    const list = sessions.data ?? [];
    return (
        <section class="console-sub" aria-label="Sessions">
            <h4>Sessions</h4>
            <ErrorLine error={sessions.error} />
            <OutcomeLine outcome={outcome} />
            {sessions.data && !list.length && <p class="muted">Not signed in anywhere.</p>}
            <ul class="console-list">
                {list.map((session) => (
                    <li key={session.id}>
                        <span>{describe(session)}</span>
                        <span class="muted">since {when(session.create_at)}, last active {when(session.last_activity_at)}</span>
                        <button onClick={() => void act(() => api.revokeSession(user.id, session.id), 'Session revoked.')}>Revoke</button>
                    </li>
                ))}
            </ul>
            {list.length > 1 && <ConfirmButton label="Revoke all sessions" onConfirm={() => void act(() => api.revokeAllSessionsForUser(user.id), 'Every session revoked.')} />}
        </section>
    );
}

function Tokens({user}: {user: UserProfile}) {
    const tokens = useLoad(() => api.getUserAccessTokensForUser(user.id, 0, PAGE), [user.id]);
    const [outcome, run] = useAction();
    const [description, setDescription] = useState('');
    const [fresh, setFresh] = useState('');
    const act = async (work: () => Promise<unknown>, note: string) => {
        if (await run(work, note)) {
            tokens.reload();
        }
    };
    const create = (event: Event) => {
        event.preventDefault();
        void act(async () => {
            const made = await api.createUserAccessToken(user.id, description);
            setFresh(made.token ?? '');
            setDescription('');
        }, 'Token created: copy it now, it is not shown again.');
    };
    return (
        <section class="console-sub" aria-label="Access tokens">
            <h4>Personal access tokens</h4>
            <ErrorLine error={tokens.error} />
            <OutcomeLine outcome={outcome} />
            {fresh && <p class="console-token">Token: <code data-token>{fresh}</code></p>}
            <ul class="console-list">
                {(tokens.data ?? []).map((token) => (
                    <li key={token.id}>
                        <span>{token.description || '(no description)'}</span>
                        <span class="muted">{token.is_active ? 'active' : 'disabled'} · id {token.id}</span>
                        {token.is_active
                            ? <button onClick={() => void act(() => api.disableUserAccessToken(token.id), 'Token disabled.')}>Disable</button>
                            : <button onClick={() => void act(() => api.enableUserAccessToken(token.id), 'Token enabled.')}>Enable</button>}
                        <button class="danger" onClick={() => void act(() => api.revokeUserAccessToken(token.id), 'Token revoked.')}>Revoke</button>
                    </li>
                ))}
            </ul>
            {tokens.data && !tokens.data.length && <p class="muted">No tokens.</p>}
            <form class="console-form inline" aria-label="New token" onSubmit={create}>
                <label>Description <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} required /></label>
                <button type="submit">Create token</button>
            </form>
        </section>
    );
}
