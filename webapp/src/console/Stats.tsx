// Site statistics (GET /analytics/old): the counts, and posts per day and active users
// (who posted) per day as simple SVG bar charts.
import {type Row, getAnalytics} from './api';
import {ErrorLine, Page, useLoad} from './ui';

const COUNTS: [string, string][] = [
    ['unique_user_count', 'Active users'],
    ['inactive_user_count', 'Deactivated users'],
    ['daily_active_users', 'Daily active users'],
    ['monthly_active_users', 'Monthly active users'],
    ['team_count', 'Teams'],
    ['channel_open_count', 'Public channels'],
    ['channel_private_count', 'Private channels'],
    ['post_count', 'Posts'],
];

export function StatsPage() {
    const stats = useLoad(() => Promise.all([getAnalytics('standard'), getAnalytics('post_counts_day'), getAnalytics('user_counts_with_posts_day')]));
    const [standard, posts, users] = stats.data ?? [[], [], []];
    const value = (name: string) => standard.find((r) => r.name === name)?.value;
    return (
        <Page title="Site statistics" actions={<button onClick={stats.reload}>Refresh</button>}>
            <ErrorLine error={stats.error} />
            {!stats.data && !stats.error && <p class="muted">Loading…</p>}
            {stats.data && (
                <>
                    <dl class="console-counts">
                        {COUNTS.map(([name, label]) => (
                            <div key={name} data-stat={name}>
                                <dt>{label}</dt>
                                <dd>{value(name) ?? '—'}</dd>
                            </div>
                        ))}
                    </dl>
                    <Chart title="Posts per day" rows={posts} />
                    <Chart title="Active users with posts per day" rows={users} />
                </>
            )}
        </Page>
    );
}

const WIDTH = 720;
const HEIGHT = 150;
const PAD = 28;

const DAYS = 30;
const DAY_MS = 86_400_000;

/** The last 30 UTC days, oldest first, as the server names them (YYYY-MM-DD). */
function lastDays(): string[] {
    const today = Date.now();
    return Array.from({length: DAYS}, (_, i) => new Date(today - (DAYS - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** One bar per day of the last 30, oldest to newest; a day the server does not list had none. */
export function Chart({title, rows}: {title: string; rows: Row[]}) {
    const known = new Map(rows.map((r) => [r.name, r.value]));
    const days = lastDays().map((name) => ({name, value: known.get(name) ?? 0}));
    const top = Math.max(1, ...days.map((d) => d.value));
    const step = (WIDTH - PAD) / days.length;
    const bar = Math.max(2, step * 0.7);
    return (
        <figure class="console-chart" aria-label={title}>
            <figcaption>{title}</figcaption>
            {!rows.length ? <p class="muted">No data in the last 30 days.</p> : (
                <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 20}`} role="img" aria-label={`${title}: ${rows.map((d) => `${d.name} ${d.value}`).join(', ')}`}>
                    <line x1={PAD} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} class="axis" />
                    <text x={PAD - 4} y={12} class="tick end">{top}</text>
                    <text x={PAD - 4} y={HEIGHT} class="tick end">0</text>
                    {days.map((d, i) => {
                        const h = d.value ? Math.max(1, (d.value / top) * (HEIGHT - 16)) : 0;
                        const x = PAD + i * step + (step - bar) / 2;
                        return (
                            <g key={d.name} data-day={d.name} data-value={d.value}>
                                <rect x={x} y={HEIGHT - h} width={bar} height={h} class="bar"><title>{`${d.name}: ${d.value}`}</title></rect>
                                {(days.length - 1 - i) % 7 === 0 && <text x={i === days.length - 1 ? x + bar : x + bar / 2} y={HEIGHT + 14} class={`tick ${i === days.length - 1 ? 'end' : 'middle'}`}>{d.name.slice(5)}</text>}
                            </g>
                        );
                    })}
                </svg>
            )}
        </figure>
    );
}
