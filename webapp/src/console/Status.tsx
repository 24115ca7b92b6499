// Server status: every node (GET /cluster/status), and the database, its replicas,
// Redis and the file store as the answering node sees them (GET /system/ping).
import {getCluster, getPing, getPlugins} from './api';
import {ErrorLine, Page, useLoad, when} from './ui';

function uptime(seconds: number): string {
    const d = Math.floor(seconds / 86400);
    const h = Math.floor((seconds % 86400) / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min ${seconds % 60} s`;
}

export function StatusPage() {
    const nodes = useLoad(getCluster);
    const ping = useLoad(getPing);
    const plugins = useLoad(getPlugins);
    const health = ping.data;
    const parts: [string, string | undefined][] = health ? [
        ['Server', health.status],
        ['Database', health.database_status],
        ['Database replicas', health.database_replicas_status || 'none configured'],
        ['Redis', health.redis_status || 'not used (a single node)'],
        ['File store', health.filestore_status],
        ['Plugin host', plugins.error ? plugins.error : plugins.data ? `${plugins.data.active.length} enabled, ${plugins.data.inactive.length} disabled` : '…'],
    ] : [];
    const hashes = new Set((nodes.data ?? []).map((n) => n.config_hash));
    const versions = new Set((nodes.data ?? []).map((n) => n.version));
    return (
        <Page title="Server status" actions={<button onClick={() => { nodes.reload(); ping.reload(); plugins.reload(); }}>Refresh</button>}>
            <ErrorLine error={ping.error} />
            <table class="console-table" aria-label="Health">
                <tbody>
                    {parts.map(([name, state]) => (
                        <tr key={name} data-part={name}>
                            <th>{name}</th>
                            <td class={state === 'OK' ? 'ok' : state === 'UNHEALTHY' ? 'bad' : ''}>{state ?? '—'}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
            <h3>Nodes</h3>
            <ErrorLine error={nodes.error} />
            {hashes.size > 1 && <p class="console-error" role="alert">The nodes run different configurations: a node that did not hear of a change shows another hash.</p>}
            {versions.size > 1 && <p class="console-error" role="alert">The nodes run different versions.</p>}
            <table class="console-table" aria-label="Nodes">
                <thead><tr><th>Node</th><th>Address</th><th>Version</th><th>Schema</th><th>Config hash</th><th>Started</th><th>Uptime</th></tr></thead>
                <tbody>
                    {(nodes.data ?? []).map((n) => (
                        <tr key={n.id} data-node={n.id}>
                            <td><code>{n.id.slice(0, 8)}</code> {n.hostname}</td>
                            <td>{n.address}</td>
                            <td>{n.version}</td>
                            <td>{n.schema_version}</td>
                            <td><code>{n.config_hash.slice(0, 12)}</code></td>
                            <td>{when(n.start_at)}</td>
                            <td>{uptime(n.uptime_seconds)}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
        </Page>
    );
}
