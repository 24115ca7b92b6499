// Plugins: what is installed and whether it runs on each node (GET /plugins,
// /plugins/statuses); enable, disable, configure (the manifest's settings schema),
// upload a bundle where the server allows it, and remove an uploaded one.
import {useState} from 'preact/hooks';
import {type PluginManifest, type PluginSetting, type PluginStatus, api, getPluginSettings, getPluginStatuses, getPlugins, putPluginSettings} from './api';
import {ConfirmButton, ErrorLine, OutcomeLine, Page, useAction, useLoad} from './ui';

// Mattermost's plugin states.
const STATES = ['not running', 'starting', 'running', 'failed to start', 'failed to stay running', 'stopping'];

export function PluginsPage() {
    const plugins = useLoad(() => Promise.all([getPlugins(), getPluginStatuses().catch(() => [] as PluginStatus[])]));
    const [outcome, run] = useAction();
    const [open, setOpen] = useState('');
    const act = async (work: () => Promise<unknown>, note: string) => {
        if (await run(work, note)) {
            plugins.reload();
        }
    };
    const [listed, statuses] = plugins.data ?? [null, []];
    const rows: [PluginManifest, boolean][] = listed
        ? [...listed.active.map((p): [PluginManifest, boolean] => [p, true]), ...listed.inactive.map((p): [PluginManifest, boolean] => [p, false])]
        : [];
    rows.sort((a, b) => (a[0].name || a[0].id).localeCompare(b[0].name || b[0].id));
    const state = (id: string) => statuses.filter((s) => s.plugin_id === id).map((s) => `${STATES[s.state] ?? s.state}${s.error ? `: ${s.error}` : ''}`);
    return (
        <Page title="Plugins">
            <ErrorLine error={plugins.error} />
            <OutcomeLine outcome={outcome} />
            {listed && !rows.length && <p class="muted">No plugins are installed.</p>}
            <table class="console-table" aria-label="Plugins">
                <thead><tr><th>Plugin</th><th>Version</th><th>State</th><th /></tr></thead>
                <tbody>
                    {rows.map(([p, on]) => (
                        <tr key={p.id} data-plugin={p.id}>
                            <td>
                                <strong>{p.name || p.id}</strong> <span class="muted small">{p.id}</span>
                                <div class="muted small">{p.description}</div>
                                {open === p.id && <PluginSettings plugin={p} />}
                            </td>
                            <td>{p.version}</td>
                            <td>{on ? 'Enabled' : 'Disabled'}{state(p.id).map((s, i) => <div key={i} class="muted small">{s}</div>)}</td>
                            <td>
                                <span class="console-actions">
                                {on
                                    ? <button onClick={() => void act(() => api.disablePlugin(p.id), `${p.name || p.id} is disabled.`)}>Disable</button>
                                    : <button onClick={() => void act(() => api.enablePlugin(p.id), `${p.name || p.id} is enabled.`)}>Enable</button>}
                                {Boolean(p.settings_schema?.settings?.length) && <button aria-expanded={open === p.id} onClick={() => setOpen(open === p.id ? '' : p.id)}>Configure</button>}
                                <ConfirmButton label="Remove" onConfirm={() => void act(() => api.removePlugin(p.id), `${p.name || p.id} is removed.`)} />
                                </span>
                            </td>
                        </tr>
                    ))}
                </tbody>
            </table>
            <Upload onDone={plugins.reload} />
        </Page>
    );
}

function PluginSettings({plugin}: {plugin: PluginManifest}) {
    const schema = plugin.settings_schema?.settings ?? [];
    const current = useLoad(() => getPluginSettings(plugin.id), [plugin.id]);
    const [edits, setEdits] = useState<Record<string, unknown>>({});
    const [outcome, run] = useAction();
    if (!current.data) {
        return <ErrorLine error={current.error} />;
    }
    const values = {...current.data, ...edits};
    const save = (event: Event) => {
        event.preventDefault();
        void run(async () => {
            await putPluginSettings(plugin.id, values);
            setEdits({});
            current.reload();
        }, 'Settings saved.');
    };
    return (
        <form class="console-form plugin-settings" aria-label={`${plugin.name || plugin.id} settings`} onSubmit={save}>
            {plugin.settings_schema?.header && <p class="muted small">{plugin.settings_schema.header}</p>}
            {schema.map((setting) => (
                <PluginField key={setting.key} setting={setting} value={values[setting.key]} onChange={(v) => setEdits({...edits, [setting.key]: v})} />
            ))}
            <button class="primary" type="submit">Save</button>
            <OutcomeLine outcome={outcome} />
        </form>
    );
}

function PluginField({setting, value, onChange}: {setting: PluginSetting; value: unknown; onChange: (value: unknown) => void}) {
    let input;
    if (setting.type === 'bool') {
        input = <input type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />;
    } else if ((setting.type === 'dropdown' || setting.type === 'radio') && setting.options) {
        input = (
            <select value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)}>
                {setting.options.map((o) => <option key={o.value} value={o.value}>{o.display_name}</option>)}
            </select>
        );
    } else if (setting.type === 'number') {
        input = <input type="number" value={String(value ?? '')} onInput={(e) => onChange(Number(e.currentTarget.value))} />;
    } else if (setting.type === 'longtext') {
        input = <textarea value={String(value ?? '')} onInput={(e) => onChange(e.currentTarget.value)} />;
    } else {
        input = <input type="text" value={String(value ?? '')} onInput={(e) => onChange(e.currentTarget.value)} />;
    }
    return (
        <label class={setting.type === 'bool' ? 'check' : ''}>
            {setting.display_name || setting.key}
            {input}
            {setting.help_text && <span class="muted small">{setting.help_text}</span>}
        </label>
    );
}

function Upload({onDone}: {onDone: () => void}) {
    const [file, setFile] = useState<File | null>(null);
    const [force, setForce] = useState(false);
    const [outcome, run] = useAction();
    const submit = (event: Event) => {
        event.preventDefault();
        if (file) {
            void run(() => api.uploadPlugin(file, force), `${file.name} is installed (enable it to run it).`).then((ok) => ok && onDone());
        }
    };
    return (
        <form class="console-form" aria-label="Upload a plugin" onSubmit={submit}>
            <label>Plugin bundle (.tar.gz or .zip) <input type="file" accept=".gz,.tgz,.zip" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} /></label>
            <label class="check"><input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> replace an installed version</label>
            <button type="submit" disabled={!file}>Upload</button>
            <span class="muted small">Uploads work where the operator allows them (PluginSettings.EnableUploads).</span>
            <OutcomeLine outcome={outcome} />
        </form>
    );
}
