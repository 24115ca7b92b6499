import type {UserProfile} from '@mattermost/types/users';
import {useEffect, useState} from 'preact/hooks';
import {client, errorText} from '../client';
import {channelPath, patchChannel} from '../channels';
import {addMembers} from '../channelMembers';
import {navigate} from '../router';
import {getState, setState, useAppState} from '../store';
import {rememberUsers} from '../users';

const close = () => setState({overlay: ''});

/** Rename the open channel, change its URL, header or purpose. */
export function EditChannel() {
    const s = useAppState();
    const channel = s.channels[s.channelId];
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    if (!channel) {
        return null;
    }
    const submit = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const patch: Record<string, string> = {};
        for (const field of ['display_name', 'name', 'purpose', 'header'] as const) {
            const value = form.get(field);
            if (value !== null && String(value).trim() !== channel[field]) {
                patch[field] = String(value).trim();
            }
        }
        setBusy(true);
        setError('');
        try {
            const updated = Object.keys(patch).length ? await patchChannel(channel.id, patch) : channel;
            close();
            const team = getState().teams.find((t) => t.id === getState().teamId);
            if (team && updated.name !== channel.name) {
                navigate(channelPath(team.name, {...channel, ...updated}), true);
            }
        } catch (err) {
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    return (
        <form onSubmit={submit} aria-label="Edit channel">
            <h3>Edit channel</h3>
            <label>Name<input name="display_name" defaultValue={channel.display_name} required maxLength={64} autoFocus /></label>
            {channel.name !== 'town-square' && (
                <label>URL<input name="name" defaultValue={channel.name} required maxLength={64} pattern="[a-z0-9_\-]+" title="Lower-case letters, digits, - and _" /></label>
            )}
            <label>Purpose<input name="purpose" defaultValue={channel.purpose} maxLength={250} /></label>
            <label>Header<textarea name="header" defaultValue={channel.header} maxLength={1024} rows={2} /></label>
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                <button type="button" onClick={close}>Cancel</button>
                <button class="primary" type="submit" disabled={busy}>Save</button>
            </div>
        </form>
    );
}

/** Find people in the team who are not in the open channel, and add them. */
export function AddMembers() {
    const s = useAppState();
    const channel = s.channels[s.channelId];
    const [term, setTerm] = useState('');
    const [found, setFound] = useState<UserProfile[]>([]);
    const [chosen, setChosen] = useState<UserProfile[]>([]);
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    useEffect(() => {
        if (!channel) {
            return;
        }
        const timer = window.setTimeout(() => {
            client.autocompleteUsers(term, s.teamId, channel.id).then((r) => {
                const outside = r.out_of_channel || [];
                rememberUsers(outside);
                setFound(outside);
            }, (err) => setError(errorText(err)));
        }, 150);
        return () => window.clearTimeout(timer);
    }, [term, channel?.id]);
    if (!channel) {
        return null;
    }
    const add = async () => {
        setBusy(true);
        setError('');
        try {
            await addMembers(channel.id, chosen.map((u) => u.id));
            close();
        } catch (err) {
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    const choices = found.filter((u) => !chosen.some((c) => c.id === u.id)).slice(0, 10);
    return (
        <div aria-label="Add people">
            <h3>Add people to {channel.display_name}</h3>
            <div class="chips">{chosen.map((u) => <span key={u.id} class="chip">@{u.username} <button aria-label={`Unselect ${u.username}`} onClick={() => setChosen(chosen.filter((x) => x.id !== u.id))}>×</button></span>)}</div>
            <input autoFocus placeholder="Find people" aria-label="Find people to add" value={term} onInput={(e) => setTerm((e.currentTarget as HTMLInputElement).value)} />
            <ul class="choices">
                {choices.map((u) => (
                    <li key={u.id} onClick={() => setChosen([...chosen, u])}>@{u.username} <span class="muted small">{[u.first_name, u.last_name].filter(Boolean).join(' ')}</span></li>
                ))}
                {!choices.length && <li class="muted">Nobody else in the team matches.</li>}
            </ul>
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                <button onClick={close}>Cancel</button>
                <button class="primary" disabled={!chosen.length || busy} onClick={() => void add()}>Add</button>
            </div>
        </div>
    );
}
