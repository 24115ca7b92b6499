// The System Console: administration pages for system admins, at /admin_console/...
// Everyone else gets a page saying it is not for them (the server refuses their calls
// in any case).
import type {ComponentChildren} from 'preact';
import {navigate} from '../router';
import {useAppState} from '../store';
import {isSystemAdmin} from './access';
import {ChannelsPage, TeamsPage} from './Teams';
import {JobsPage} from './Jobs';
import {LogsPage} from './Logs';
import {PluginsPage} from './Plugins';
import {RetentionPage} from './Retention';
import {SETTINGS_GROUPS, SettingsPage} from './Config';
import {StatsPage} from './Stats';
import {StatusPage} from './Status';
import {UsersPage} from './Users';
import './console.css';

type Entry = {path: string; label: string; page: () => ComponentChildren};

const MANAGEMENT: Entry[] = [
    {path: 'users', label: 'Users', page: () => <UsersPage />},
    {path: 'teams', label: 'Teams', page: () => <TeamsPage />},
    {path: 'channels', label: 'Channels', page: () => <ChannelsPage />},
];

const REPORTING: Entry[] = [
    {path: 'stats', label: 'Site statistics', page: () => <StatsPage />},
    {path: 'status', label: 'Server status', page: () => <StatusPage />},
    {path: 'logs', label: 'Server logs', page: () => <LogsPage />},
];

const PLUGINS: Entry[] = [{path: 'plugins', label: 'Plugins', page: () => <PluginsPage />}];

const COMPLIANCE: Entry[] = [
    {path: 'jobs', label: 'Jobs', page: () => <JobsPage />},
    {path: 'retention', label: 'Data retention policies', page: () => <RetentionPage />},
];

export function Console({section, sub}: {section: string; sub: string}) {
    const s = useAppState();
    if (!isSystemAdmin(s.me)) {
        return (
            <div class="console-denied" role="alert">
                <h1>Not allowed</h1>
                <p>The System Console is for system admins only. Ask one of them if you need a change to this server.</p>
                <button class="primary" onClick={() => navigate('/')}>Back to chat</button>
            </div>
        );
    }
    const current = section === 'settings' ? `settings/${sub || SETTINGS_GROUPS[0].id}` : section || REPORTING[0].path;
    const link = (path: string, label: string) => (
        <a
            key={path}
            href={`/admin_console/${path}`}
            class={current === path ? 'active' : ''}
            aria-current={current === path ? 'page' : undefined}
            onClick={(event) => {
                event.preventDefault();
                navigate(`/admin_console/${path}`);
            }}
        >
            {label}
        </a>
    );
    let body: ComponentChildren;
    if (section === 'settings') {
        body = <SettingsPage group={sub || SETTINGS_GROUPS[0].id} />;
    } else {
        const entry = [...MANAGEMENT, ...REPORTING, ...PLUGINS, ...COMPLIANCE].find((e) => e.path === section) ?? REPORTING[0];
        body = entry.page();
    }
    return (
        <div class="console">
            <nav class="console-nav" aria-label="System Console">
                <h1>System Console</h1>
                <button class="link back" onClick={() => navigate('/')}>← Back to chat</button>
                <h3>Reporting</h3>
                {REPORTING.map((e) => link(e.path, e.label))}
                <h3>User management</h3>
                {MANAGEMENT.map((e) => link(e.path, e.label))}
                <h3>Settings</h3>
                {SETTINGS_GROUPS.map((g) => link(`settings/${g.id}`, g.label))}
                <h3>Integrations</h3>
                {PLUGINS.map((e) => link(e.path, e.label))}
                <h3>Compliance</h3>
                {COMPLIANCE.map((e) => link(e.path, e.label))}
            </nav>
            <main class="console-main">{body}</main>
        </div>
    );
}
