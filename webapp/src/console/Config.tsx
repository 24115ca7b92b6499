// Settings pages: GET /config laid out in the groups Mattermost's System Console uses,
// each field generated from the value's type. A setting the environment fixes (GET
// /config/environment) or only the operator may change (GET /config/scopes) is shown
// read-only, with the reason; a save sends only the changed settings (PUT /config/patch)
// and shows the server's refusal in its own words.
import {useEffect, useState} from 'preact/hooks';
import {type ConfigDoc, type Fixed, type Scopes, getConfig, getEnvironment, getScopes, patchConfig} from './api';
import {ErrorLine, OutcomeLine, Page, useAction, useLoad} from './ui';

export type SettingsGroup = {id: string; label: string};

export const SETTINGS_GROUPS: SettingsGroup[] = [
    {id: 'site', label: 'Site'},
    {id: 'authentication', label: 'Authentication'},
    {id: 'email', label: 'Email and notifications'},
    {id: 'files', label: 'Files'},
    {id: 'integrations', label: 'Integrations'},
    {id: 'rate-limiting', label: 'Rate limiting'},
    {id: 'retention', label: 'Data retention'},
    {id: 'environment', label: 'Environment'},
    {id: 'other', label: 'Other'},
];

// Single settings placed where Mattermost's console shows them, before the rules by group.
const BY_SETTING: Record<string, string> = {
    'TeamSettings.EnableOpenServer': 'authentication',
    'TeamSettings.EnableUserDeactivation': 'authentication',
    'TeamSettings.MaxNotificationsPerChannel': 'email',
    'EmailSettings.RequireEmailVerification': 'authentication',
    'ServiceSettings.SiteURL': 'site',
    'ServiceSettings.MaxPostSize': 'site',
    'ServiceSettings.EnableUserTypingMessages': 'site',
    'ServiceSettings.EnableLinkPreviews': 'site',
    'ServiceSettings.EnablePermalinkPreviews': 'site',
    'ServiceSettings.RestrictLinkPreviews': 'site',
    'ServiceSettings.PostPriority': 'site',
    'ServiceSettings.ScheduledPosts': 'site',
    'ServiceSettings.EnableMultifactorAuthentication': 'authentication',
    'ServiceSettings.EnforceMultifactorAuthentication': 'authentication',
    'ServiceSettings.SessionLengthWebInHours': 'authentication',
    'ServiceSettings.SessionLengthMobileInHours': 'authentication',
    'ServiceSettings.SessionLengthSSOInHours': 'authentication',
    'ServiceSettings.SessionIdleTimeoutInMinutes': 'authentication',
    'ServiceSettings.TerminateSessionsOnPasswordChange': 'authentication',
    'ServiceSettings.MaximumLoginAttempts': 'authentication',
    'ServiceSettings.EnableIncomingWebhooks': 'integrations',
    'ServiceSettings.EnableOutgoingWebhooks': 'integrations',
    'ServiceSettings.EnableCommands': 'integrations',
    'ServiceSettings.EnablePostUsernameOverride': 'integrations',
    'ServiceSettings.EnablePostIconOverride': 'integrations',
    'ServiceSettings.EnableUserAccessTokens': 'integrations',
    'ServiceSettings.EnableBotAccountCreation': 'integrations',
    'ServiceSettings.AllowedUntrustedInternalConnections': 'integrations',
};

const BY_GROUP: Record<string, string> = {
    TeamSettings: 'site',
    NativeAppSettings: 'site',
    PrivacySettings: 'site',
    PasswordSettings: 'authentication',
    GitLabSettings: 'authentication',
    GoogleSettings: 'authentication',
    Office365Settings: 'authentication',
    OpenIdSettings: 'authentication',
    LdapSettings: 'authentication',
    SamlSettings: 'authentication',
    EmailSettings: 'email',
    FileSettings: 'files',
    ImportSettings: 'files',
    PluginSettings: 'integrations',
    RateLimitSettings: 'rate-limiting',
    DataRetentionSettings: 'retention',
    SqlSettings: 'environment',
    LogSettings: 'environment',
    ServiceSettings: 'environment',
};

export function groupOf(path: string): string {
    return BY_SETTING[path] ?? BY_GROUP[path.split('.')[0]] ?? 'other';
}

/** "EnableOpenServer" -> "Enable Open Server"; "SMTPServer" -> "SMTP Server". */
export function humanize(name: string): string {
    return name
        .replace(/Settings$/, '')
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
}

type Value = unknown;

export function SettingsPage({group}: {group: string}) {
    const meta = SETTINGS_GROUPS.find((g) => g.id === group) ?? SETTINGS_GROUPS[0];
    const loaded = useLoad(() => Promise.all([getConfig(), getEnvironment(), getScopes()]));
    const [config, setConfig] = useState<ConfigDoc | null>(null);
    const [edits, setEdits] = useState<Record<string, Value>>({});
    const [outcome, run, clear] = useAction();
    useEffect(() => {
        if (loaded.data) {
            setConfig(loaded.data[0]);
        }
    }, [loaded.data]);
    useEffect(() => {
        setEdits({});
        clear();
    }, [group]);
    if (!config || !loaded.data) {
        return <Page title={meta.label}>{loaded.error ? <ErrorLine error={loaded.error} /> : <p class="muted">Loading…</p>}</Page>;
    }
    const fixed: Fixed = loaded.data[1];
    const scopes: Scopes = loaded.data[2];
    // The page's settings, by Mattermost group, in the server's order.
    const sections: [string, string[]][] = [];
    for (const [section, values] of Object.entries(config)) {
        const names = Object.keys(values).filter((name) => groupOf(`${section}.${name}`) === meta.id);
        if (names.length) {
            sections.push([section, names]);
        }
    }
    const changed = Object.keys(edits);
    const save = () => run(async () => {
        const patch: ConfigDoc = {};
        for (const path of changed) {
            const [section, name] = path.split('.');
            (patch[section] ??= {})[name] = edits[path];
        }
        setConfig(await patchConfig(patch));
        setEdits({});
    }, `Saved ${changed.length} setting${changed.length === 1 ? '' : 's'}.`);
    const edit = (path: string, original: Value, value: Value) => {
        const next = {...edits};
        if (value === original) {
            delete next[path];
        } else {
            next[path] = value;
        }
        setEdits(next);
    };
    return (
        <Page
            title={meta.label}
            actions={
                <span class="console-actions">
                    <button disabled={!changed.length} onClick={() => setEdits({})}>Discard</button>
                    <button class="primary" disabled={!changed.length} onClick={() => void save()}>Save</button>
                </span>
            }
        >
            <OutcomeLine outcome={outcome} />
            {!sections.length && <p class="muted">This server has no settings in this group.</p>}
            {sections.map(([section, names]) => (
                <fieldset key={section} class="settings-group">
                    <legend>{humanize(section)}</legend>
                    {names.map((name) => {
                        const path = `${section}.${name}`;
                        const original = config[section][name];
                        const scope = scopes[section]?.[name];
                        let lock = '';
                        if (fixed[section]?.[name]) {
                            lock = 'Set by the server\'s environment: change it there.';
                        } else if (scope?.scope === 'deployment') {
                            lock = scope.live
                                ? 'Applies to the whole deployment: only the operator can change it.'
                                : 'Applies to the whole deployment: only the operator can change it (at the next restart of each node).';
                        }
                        return (
                            <Field
                                key={path}
                                path={path}
                                name={name}
                                original={original}
                                value={path in edits ? edits[path] : original}
                                lock={lock}
                                onChange={(value) => edit(path, original, value)}
                            />
                        );
                    })}
                </fieldset>
            ))}
        </Page>
    );
}

function Field({path, name, original, value, lock, onChange}: {path: string; name: string; original: Value; value: Value; lock: string; onChange: (value: Value) => void}) {
    const id = `setting-${path.replace('.', '-')}`;
    const label = humanize(name);
    let input;
    if (typeof original === 'boolean') {
        input = <input id={id} type="checkbox" checked={Boolean(value)} disabled={Boolean(lock)} onChange={(e) => onChange(e.currentTarget.checked)} />;
    } else if (typeof original === 'number') {
        input = (
            <input
                id={id}
                type="number"
                value={String(value)}
                disabled={Boolean(lock)}
                onInput={(e) => {
                    const text = e.currentTarget.value;
                    // Sent as typed when it is no number, so the server's message says why.
                    onChange(text !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
                }}
            />
        );
    } else if (typeof original === 'string') {
        input = <input id={id} type="text" value={String(value)} disabled={Boolean(lock)} onInput={(e) => onChange(e.currentTarget.value)} />;
    } else {
        input = <input id={id} type="text" value={JSON.stringify(original)} disabled />;
    }
    return (
        <div class={`setting ${typeof original === 'boolean' ? 'toggle' : ''} ${value !== original ? 'changed' : ''}`} data-setting={path}>
            <label for={id}>{label}</label>
            {input}
            <code class="setting-path">{path}</code>
            {lock && <span class="setting-lock">{lock}</span>}
        </div>
    );
}
