import type {UserProfile} from '@mattermost/types/users';
import {useEffect, useState} from 'preact/hooks';
import {client, errorText} from '../client';
import {channelPath, createChannel, createGroup, joinChannel, rememberArchived, restoreChannel} from '../channels';
import {canManageTeam} from '../invites';
import {navigate} from '../router';
import {getState, setState, useAppState, type Channel} from '../store';
import {channelTitle, rememberUsers} from '../users';
import {AddBookmark, AttachFileBookmark} from './Bookmarks';
import {CategoryDialog} from './CategoryDialog';
import {AddMembers, EditChannel} from './ChannelDialogs';
import {CustomStatusDialog} from './CustomStatusDialog';
import {EmojiUpload} from './EmojiUpload';
import {useFocusOnMount} from './focus';
import {Settings} from './Settings';
import {UserGroups} from './UserGroups';

export function Overlays() {
    const {overlay} = useAppState();
    if (!overlay) {
        return null;
    }
    const close = () => setState({overlay: ''});
    return (
        <div class="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
            <div class="dialog" role="dialog" aria-modal="true">
                {overlay === 'switcher' && <Switcher />}
                {overlay === 'browse' && <Browse />}
                {overlay === 'new-channel' && <NewChannel />}
                {overlay === 'new-dm' && <NewDirect />}
                {overlay === 'edit-channel' && <EditChannel />}
                {overlay === 'add-members' && <AddMembers />}
                {overlay === 'settings' && <Settings />}
                {(overlay === 'new-category' || overlay === 'rename-category') && <CategoryDialog rename={overlay === 'rename-category'} />}
                {overlay === 'emoji-upload' && <EmojiUpload />}
                {overlay === 'custom-status' && <CustomStatusDialog />}
                {overlay === 'add-bookmark' && <AddBookmark />}
                {overlay === 'attach-file-bookmark' && <AttachFileBookmark />}
                {overlay === 'user-groups' && <UserGroups />}
            </div>
        </div>
    );
}

function teamName(): string {
    const s = getState();
    return s.teams.find((t) => t.id === s.teamId)?.name || '';
}

function go(channel: Channel) {
    setState({overlay: ''});
    navigate(channelPath(teamName(), channel));
}

function Switcher() {
    const s = useAppState();
    const [filter, setFilter] = useState('');
    const [index, setIndex] = useState(0);
    const input = useFocusOnMount<HTMLInputElement>();
    const needle = filter.toLowerCase();
    const matches = Object.values(s.channels)
        .filter((c) => s.members[c.id] && channelTitle(c).toLowerCase().includes(needle))
        .sort((a, b) => b.last_post_at - a.last_post_at)
        .slice(0, 12);
    return (
        <div class="switcher">
            <h3>Switch channels</h3>
            <input ref={input} placeholder="Channel or person" aria-label="Find a channel" value={filter}
                onInput={(e) => { setFilter((e.currentTarget as HTMLInputElement).value); setIndex(0); }}
                onKeyDown={(e) => {
                    if (e.key === 'ArrowDown') {
                        e.preventDefault();
                        setIndex(Math.min(index + 1, matches.length - 1));
                    } else if (e.key === 'ArrowUp') {
                        e.preventDefault();
                        setIndex(Math.max(index - 1, 0));
                    } else if (e.key === 'Enter' && matches[index]) {
                        go(matches[index]);
                    }
                }} />
            <ul class="choices">
                {matches.map((c, i) => (
                    <li key={c.id} class={i === index ? 'selected' : ''} onMouseEnter={() => setIndex(i)} onClick={() => go(c)}>
                        {c.type === 'O' ? '# ' : c.type === 'P' ? '🔒 ' : '@ '}{channelTitle(c)}
                    </li>
                ))}
            </ul>
        </div>
    );
}

/** Public channels to join, or the team's archived ones (to read those I was in, and to
 * restore for whoever manages the team), as Mattermost's channel browser. */
function Browse() {
    const s = useAppState();
    const [kind, setKind] = useState<'public' | 'archived'>('public');
    const [channels, setChannels] = useState<Channel[] | null>(null);
    const [error, setError] = useState('');
    const [manager, setManager] = useState(false);
    useEffect(() => {
        setChannels(null);
        setError('');
        // The list asked for before the choice changed must not land after this one.
        let current = true;
        const list = kind === 'archived' ? client.getArchivedChannels(s.teamId, 0, 200) : client.getChannels(s.teamId, 0, 200);
        list.then((found) => current && setChannels(found as Channel[]), (err) => current && setError(errorText(err)));
        return () => {
            current = false;
        };
    }, [s.teamId, kind]);
    useEffect(() => {
        void canManageTeam(s.teamId).then(setManager, () => setManager(false));
    }, [s.teamId]);
    const restore = async (c: Channel) => {
        try {
            await restoreChannel(c.id);
            setChannels((now) => (now || []).filter((x) => x.id !== c.id));
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <div>
            <h3>Browse channels</h3>
            <div class="buttons">
                <label>Show <select aria-label="Channels to show" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as 'public' | 'archived')}>
                    <option value="public">Public channels</option>
                    <option value="archived">Archived channels</option>
                </select></label>
                <button class="primary" onClick={() => setState({overlay: 'new-channel'})}>Create a channel</button>
            </div>
            {error && <p class="error" role="alert">{error}</p>}
            <ul class="choices" aria-label={kind === 'archived' ? 'Archived channels' : 'Public channels'}>
                {channels === null && <li class="muted">Loading…</li>}
                {channels?.length === 0 && <li class="muted">{kind === 'archived' ? 'No archived channels.' : 'No channels.'}</li>}
                {(channels || []).map((c) => (
                    <li key={c.id} data-channel={c.name}>
                        <span>{c.type === 'P' ? '🔒' : '#'} {c.display_name} <span class="muted small">{c.purpose}</span></span>
                        <span class="buttons">
                            {s.members[c.id] && <button onClick={() => go(c)}>Open</button>}
                            {/* Read without joining (nobody joins an archived channel); the sidebar stays as it is. */}
                            {!s.members[c.id] && kind === 'archived' && (
                                <button aria-label={`View ${c.display_name}`} onClick={() => { rememberArchived(c); go(c); }}>View</button>
                            )}
                            {!s.members[c.id] && kind === 'public' && (
                                <button onClick={() => joinChannel(c).then(() => go(c), (err) => setError(errorText(err)))}>Join</button>
                            )}
                            {kind === 'archived' && manager && <button onClick={() => void restore(c)}>Restore</button>}
                        </span>
                    </li>
                ))}
            </ul>
        </div>
    );
}

function NewChannel() {
    const [error, setError] = useState('');
    const input = useFocusOnMount<HTMLInputElement>();
    const submit = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        try {
            const channel = await createChannel(String(form.get('display_name') || '').trim(), form.get('private') === 'on');
            go(channel);
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <form onSubmit={submit}>
            <h3>New channel</h3>
            <label>Name<input ref={input} name="display_name" required maxLength={64} /></label>
            <label class="check"><input type="checkbox" name="private" /> Private: only invited people can see it</label>
            {error && <p class="error">{error}</p>}
            <button class="primary" type="submit">Create</button>
        </form>
    );
}

function NewDirect() {
    const s = useAppState();
    const [term, setTerm] = useState('');
    const [found, setFound] = useState<UserProfile[] | null>(null);
    const [chosen, setChosen] = useState<UserProfile[]>([]);
    const [error, setError] = useState('');
    const input = useFocusOnMount<HTMLInputElement>();
    useEffect(() => {
        let current = true;
        const timer = window.setTimeout(() => {
            client.autocompleteUsers(term, s.teamId, '').then((r) => {
                if (current) {
                    rememberUsers(r.users);
                    setFound(r.users.filter((u) => u.id !== s.me?.id));
                }
            }, (err) => current && setError(errorText(err)));
        }, 150);
        return () => {
            current = false;
            window.clearTimeout(timer);
        };
    }, [term]);
    const shown = (found || []).filter((u) => !chosen.some((c) => c.id === u.id)).slice(0, 10);
    const start = async () => {
        try {
            go(await createGroup(chosen.map((u) => u.id)));
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <div>
            <h3>Direct message</h3>
            <div class="chips">{chosen.map((u) => <span key={u.id} class="chip">@{u.username} <button onClick={() => setChosen(chosen.filter((x) => x.id !== u.id))}>×</button></span>)}</div>
            <input ref={input} placeholder="Find people" aria-label="Find people" value={term} onInput={(e) => setTerm((e.currentTarget as HTMLInputElement).value)} />
            <ul class="choices">
                {found === null && <li class="muted">Loading…</li>}
                {found !== null && !shown.length && <li class="muted" data-testid="no-match">{term.trim() ? 'No one matches.' : 'No one else is here yet.'}</li>}
                {shown.map((u) => (
                    <li key={u.id} onClick={() => setChosen([...chosen, u])}>@{u.username} <span class="muted small">{[u.first_name, u.last_name].filter(Boolean).join(' ')}</span></li>
                ))}
            </ul>
            {error && <p class="error">{error}</p>}
            <button class="primary" disabled={!chosen.length || chosen.length > 7} onClick={() => void start()}>Go</button>
        </div>
    );
}
