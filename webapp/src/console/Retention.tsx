// Data retention policies (GET/POST/PATCH/DELETE /data_retention/policies): the global
// policy (from the settings, shown here, changed under Settings) and custom policies that
// keep the posts of chosen teams and channels for their own number of days. The data
// retention job applies them (Jobs page).
import type {Channel} from '@mattermost/types/channels';
import type {Team} from '@mattermost/types/teams';
import {useState} from 'preact/hooks';
import {
    api,
    createPolicy,
    deletePolicy,
    getGlobalRetention,
    getPolicies,
    getPolicyMembers,
    patchPolicy,
    removePolicyMembers,
    type RetentionPolicy,
} from './api';
import {ConfirmButton, ErrorLine, OutcomeLine, Page, useAction, useLoad, when} from './ui';

const PAGE = 200;
type Found = {channels: Channel[]; total_count: number};
// What the form edits: a policy's fields and its teams and channels, by id with a label.
type Chosen = Map<string, string>;
type Draft = {id: string; name: string; days: string; teams: Chosen; channels: Chosen};

const days = (d: number) => (d < 0 ? 'forever' : `${d} day${d === 1 ? '' : 's'}`);

export function RetentionPage() {
    const global = useLoad(getGlobalRetention);
    const policies = useLoad(getPolicies);
    const [outcome, run] = useAction();
    const [draft, setDraft] = useState<Draft | null>(null);
    const [opening, setOpening] = useState('');
    const open = async (p: RetentionPolicy) => {
        setOpening(p.id);
        await run(async () => {
            const [teamIds, channelIds] = await Promise.all([getPolicyMembers(p.id, 'teams'), getPolicyMembers(p.id, 'channels')]);
            const teams = await Promise.all(teamIds.map((m) => api.getTeam(m.id)));
            const channels = await Promise.all(channelIds.map((m) => api.getChannel(m.id)));
            setDraft({
                id: p.id,
                name: p.display_name,
                days: String(p.post_duration),
                teams: new Map(teams.map((t) => [t.id, t.display_name])),
                channels: new Map(channels.map((c) => [c.id, c.display_name])),
            });
        });
        setOpening('');
    };
    const remove = async (p: RetentionPolicy) => {
        if (await run(() => deletePolicy(p.id), `${p.display_name} is deleted.`)) {
            setDraft(null);
            policies.reload();
        }
    };
    const g = global.data;
    return (
        <Page
            title="Data retention policies"
            actions={
                <span class="console-actions">
                    <button class="primary" onClick={() => setDraft({id: '', name: '', days: '30', teams: new Map(), channels: new Map()})}>New policy</button>
                </span>
            }
        >
            <section class="console-sub" aria-label="Global policy">
                <h4>Global policy</h4>
                <ErrorLine error={global.error} />
                {g && (
                    <ul class="muted small">
                        <li>Messages: {g.message_deletion_enabled ? `deleted when older than ${when(g.message_retention_cutoff)}` : 'kept forever'}</li>
                        <li>Files: {g.file_deletion_enabled ? `deleted when older than ${when(g.file_retention_cutoff)}` : 'kept forever'}</li>
                    </ul>
                )}
                <p class="muted small">Change it under Settings → Data retention. A custom policy below takes the place of the global one for its teams and channels.</p>
            </section>
            <OutcomeLine outcome={outcome} />
            <ErrorLine error={policies.error} />
            {policies.data && !policies.data.policies.length && <p class="muted">No custom policies.</p>}
            <table class="console-table" aria-label="Custom policies">
                <thead><tr><th>Name</th><th>Keeps posts</th><th>Teams</th><th>Channels</th><th /></tr></thead>
                <tbody>
                    {(policies.data?.policies ?? []).map((p) => (
                        <tr key={p.id} data-policy={p.display_name}>
                            <td>{p.display_name}</td>
                            <td>{days(p.post_duration)}</td>
                            <td>{p.team_count}</td>
                            <td>{p.channel_count}</td>
                            <td>
                                <button disabled={opening === p.id} onClick={() => void open(p)}>Edit</button>{' '}
                                <ConfirmButton label="Delete" onConfirm={() => void remove(p)} />
                            </td>
                        </tr>
                    ))}
                </tbody>
            </table>
            {draft && (
                <PolicyForm
                    key={draft.id || 'new'}
                    draft={draft}
                    onDone={(note) => {
                        setDraft(null);
                        void run(async () => undefined, note);
                        policies.reload();
                    }}
                    onCancel={() => setDraft(null)}
                />
            )}
        </Page>
    );
}

function PolicyForm({draft, onDone, onCancel}: {draft: Draft; onDone: (note: string) => void; onCancel: () => void}) {
    const [name, setName] = useState(draft.name);
    const [keep, setKeep] = useState(draft.days);
    const [teams, setTeams] = useState<Chosen>(new Map(draft.teams));
    const [channels, setChannels] = useState<Chosen>(new Map(draft.channels));
    const [outcome, run] = useAction();
    const save = async () => {
        const fields = {
            display_name: name.trim(),
            post_duration: Number.parseInt(keep, 10),
            team_ids: [...teams.keys()].filter((id) => !draft.teams.has(id)),
            channel_ids: [...channels.keys()].filter((id) => !draft.channels.has(id)),
        };
        const ok = await run(async () => {
            if (!draft.id) {
                await createPolicy(fields);
                return;
            }
            await patchPolicy(draft.id, fields);
            const goneTeams = [...draft.teams.keys()].filter((id) => !teams.has(id));
            const goneChannels = [...draft.channels.keys()].filter((id) => !channels.has(id));
            if (goneTeams.length) {
                await removePolicyMembers(draft.id, 'teams', goneTeams);
            }
            if (goneChannels.length) {
                await removePolicyMembers(draft.id, 'channels', goneChannels);
            }
        });
        if (ok) {
            onDone(`${fields.display_name} is saved.`);
        }
    };
    const add = (set: (f: (m: Chosen) => Chosen) => void) => (id: string, label: string) => set((m) => new Map(m).set(id, label));
    const drop = (set: (f: (m: Chosen) => Chosen) => void) => (id: string) =>
        set((m) => {
            const next = new Map(m);
            next.delete(id);
            return next;
        });
    return (
        <section class="console-detail" aria-label={draft.id ? `Policy ${draft.name}` : 'New policy'}>
            <h3>{draft.id ? `Edit ${draft.name}` : 'New policy'}</h3>
            <form
                class="console-form"
                onSubmit={(e) => {
                    e.preventDefault();
                    void save();
                }}
            >
                <label>Policy name <input aria-label="Policy name" value={name} maxLength={64} onInput={(e) => setName(e.currentTarget.value)} /></label>{' '}
                <label>Days to keep posts <input aria-label="Days to keep posts" type="number" min={-1} value={keep} onInput={(e) => setKeep(e.currentTarget.value)} /></label>
                <p class="muted small">-1 keeps posts forever.</p>
                <TeamPicker chosen={teams} onAdd={add(setTeams)} onRemove={drop(setTeams)} />
                <ChannelPicker chosen={channels} onAdd={add(setChannels)} onRemove={drop(setChannels)} />
                <OutcomeLine outcome={outcome} />
                <span class="console-actions">
                    <button type="submit" class="primary">Save policy</button>
                    <button type="button" onClick={onCancel}>Cancel</button>
                </span>
            </form>
        </section>
    );
}

type PickerProps = {chosen: Chosen; onAdd: (id: string, label: string) => void; onRemove: (id: string) => void};

function Chips({what, chosen, onRemove}: {what: string; chosen: Chosen; onRemove: (id: string) => void}) {
    return (
        <ul class="console-chips" aria-label={`Chosen ${what}`}>
            {[...chosen].map(([id, label]) => (
                <li key={id} data-id={id}>
                    {label} <button type="button" class="link" aria-label={`Remove ${label}`} onClick={() => onRemove(id)}>×</button>
                </li>
            ))}
        </ul>
    );
}

function TeamPicker({chosen, onAdd, onRemove}: PickerProps) {
    const [term, setTerm] = useState('');
    // Every team a system admin sees, searched here: the API has no team search.
    const teams = useLoad(async () => (await api.getTeams(0, PAGE, false)) as Team[]);
    const wanted = term.trim().toLowerCase();
    const found = wanted
        ? (teams.data ?? []).filter((t) => !chosen.has(t.id) && `${t.display_name} ${t.name}`.toLowerCase().includes(wanted))
        : [];
    return (
        <fieldset class="console-sub">
            <legend>Teams</legend>
            <Chips what="teams" chosen={chosen} onRemove={onRemove} />
            <input aria-label="Search teams" placeholder="Search teams by name" value={term} onInput={(e) => setTerm(e.currentTarget.value)} />
            <ErrorLine error={teams.error} />
            <ul class="console-results" aria-label="Teams found">
                {found.slice(0, 20).map((t) => (
                    <li key={t.id}>
                        <button type="button" class="link" onClick={() => { onAdd(t.id, t.display_name); setTerm(''); }}>Add {t.display_name}</button>
                    </li>
                ))}
            </ul>
        </fieldset>
    );
}

function ChannelPicker({chosen, onAdd, onRemove}: PickerProps) {
    const [term, setTerm] = useState('');
    const [query, setQuery] = useState('');
    const found = useLoad(
        async () => (query ? api.call<Found>('/channels/search', 'post', {term: query, page: 0, per_page: 20}) : null),
        [query],
    );
    const channels = (found.data?.channels ?? []).filter((c) => !chosen.has(c.id));
    const search = () => setQuery(term.trim());
    return (
        <fieldset class="console-sub">
            <legend>Channels</legend>
            <Chips what="channels" chosen={chosen} onRemove={onRemove} />
            <input
                aria-label="Search channels"
                placeholder="Search channels by name, then Enter"
                value={term}
                onInput={(e) => setTerm(e.currentTarget.value)}
                onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                        e.preventDefault();
                        search();
                    }
                }}
            />{' '}
            <button type="button" onClick={search}>Search</button>
            <ErrorLine error={found.error} />
            <ul class="console-results" aria-label="Channels found">
                {channels.map((c) => (
                    <li key={c.id}>
                        <button type="button" class="link" onClick={() => onAdd(c.id, c.display_name)}>Add {c.display_name}</button> <span class="muted">~{c.name}</span>
                    </li>
                ))}
            </ul>
        </fieldset>
    );
}
