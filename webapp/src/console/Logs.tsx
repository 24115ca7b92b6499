// Server logs: every node's recent lines (GET /logs gathers them), newest first, filtered
// by level on the server and by node here. A node that did not answer in time comes back
// as a line marked "missing": it is shown as a warning above the table.
import {useState} from 'preact/hooks';
import {getLogs} from './api';
import {ErrorLine, Page, useLoad} from './ui';

const LEVELS = ['', 'debug', 'info', 'warn', 'error'];
const LINES = 1000;

type Line = {timestamp?: string; level?: string; msg?: string; caller?: string; logger?: string; node?: string; missing?: boolean};

/** Node ids are long: their first characters tell the nodes apart on this page. */
const short = (node: string) => node.slice(0, 8);

function parse(text: string): Line {
    try {
        return JSON.parse(text) as Line;
    } catch {
        return {msg: text};
    }
}

export function LogsPage() {
    const [level, setLevel] = useState('');
    const [node, setNode] = useState('');
    const [filter, setFilter] = useState('');
    const logs = useLoad(() => getLogs(level, LINES), [level]);
    const wanted = filter.trim().toLowerCase();
    const parsed = (logs.data ?? []).map(parse);
    const missing = parsed.filter((l) => l.missing);
    const nodes = [...new Set(parsed.filter((l) => !l.missing).map((l) => l.node ?? ''))].filter(Boolean).sort();
    const lines = parsed
        .filter((l) => !l.missing)
        .reverse()
        .filter((l) => !node || l.node === node)
        .filter((l) => !wanted || JSON.stringify(l).toLowerCase().includes(wanted));
    return (
        <Page
            title="Server logs"
            actions={
                <span class="console-actions">
                    <label>Level{' '}
                        <select value={level} onChange={(e) => setLevel(e.currentTarget.value)}>
                            {LEVELS.map((l) => <option key={l} value={l}>{l ? `${l} and above` : 'all'}</option>)}
                        </select>
                    </label>
                    <label>Node{' '}
                        <select value={node} onChange={(e) => setNode(e.currentTarget.value)}>
                            <option value="">all</option>
                            {nodes.map((n) => <option key={n} value={n}>{short(n)}</option>)}
                        </select>
                    </label>
                    <button onClick={logs.reload}>Refresh</button>
                </span>
            }
        >
            <p class="muted small">The last {LINES} lines of every node, newest first; each says which node wrote it.</p>
            {missing.map((l) => (
                <p key={l.node} class="console-error" role="alert" data-missing-node={l.node ?? ''}>{l.msg ?? ''}</p>
            ))}
            <input class="console-filter" aria-label="Filter lines" placeholder="Filter these lines" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            <ErrorLine error={logs.error} />
            {logs.data && !lines.length && <p class="muted">No lines.</p>}
            <table class="console-table logs" aria-label="Log lines">
                <thead><tr><th>Time</th><th>Node</th><th>Level</th><th>Message</th><th>Where</th></tr></thead>
                <tbody>
                    {lines.map((l, i) => (
                        <tr key={i} class={`level-${l.level ?? ''}`} data-level={l.level ?? ''} data-node={l.node ?? ''}>
                            <td class="nowrap">{l.timestamp ?? ''}</td>
                            <td class="nowrap muted small" title={l.node ?? ''}>{short(l.node ?? '')}</td>
                            <td>{l.level ?? ''}</td>
                            <td class="msg">{l.msg ?? ''}</td>
                            <td class="muted small">{l.logger ?? ''} {l.caller ?? ''}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
        </Page>
    );
}
