// Jobs (GET /jobs): data retention runs and imports with their status and progress;
// start a data retention run now, cancel one that has not finished. The list refreshes
// itself while a job is pending or running.
import {useEffect} from 'preact/hooks';
import {cancelJob, createJob, getJobs} from './api';
import {ErrorLine, OutcomeLine, Page, useAction, useLoad, when} from './ui';

const PER_PAGE = 50;
const POLL_MS = 2000;
const UNFINISHED = new Set(['pending', 'in_progress', 'cancel_requested']);

export function JobsPage() {
    const jobs = useLoad(() => getJobs(PER_PAGE));
    const [outcome, run] = useAction();
    const busy = (jobs.data ?? []).some((j) => UNFINISHED.has(j.status));
    useEffect(() => {
        if (!busy) {
            return;
        }
        const timer = window.setTimeout(jobs.reload, POLL_MS);
        return () => window.clearTimeout(timer);
    }, [jobs.data]);
    const act = async (work: () => Promise<unknown>, note: string) => {
        if (await run(work, note)) {
            jobs.reload();
        }
    };
    return (
        <Page
            title="Jobs"
            actions={
                <span class="console-actions">
                    <button onClick={jobs.reload}>Refresh</button>
                    <button class="primary" onClick={() => void act(() => createJob('data_retention'), 'Data retention run started.')}>Run data retention now</button>
                </span>
            }
        >
            <p class="muted small">Data retention deletes what is older than the policies allow (Settings → Data retention); each run is a job, on one node at a time.</p>
            <OutcomeLine outcome={outcome} />
            <ErrorLine error={jobs.error} />
            {jobs.data && !jobs.data.length && <p class="muted">No jobs yet.</p>}
            <table class="console-table" aria-label="Jobs">
                <thead><tr><th>Type</th><th>Status</th><th>Progress</th><th>Created</th><th>Last activity</th><th>Details</th><th /></tr></thead>
                <tbody>
                    {(jobs.data ?? []).map((j) => (
                        <tr key={j.id} data-job={j.id} data-status={j.status}>
                            <td>{j.type}</td>
                            <td>{j.status}</td>
                            <td>{j.progress}%</td>
                            <td>{when(j.create_at)}</td>
                            <td>{when(j.last_activity_at)}</td>
                            <td class="muted small">{Object.entries(j.data ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ')}</td>
                            <td>{(j.status === 'pending' || j.status === 'in_progress') && <button onClick={() => void act(() => cancelJob(j.id), 'Cancel requested.')}>Cancel</button>}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
        </Page>
    );
}
