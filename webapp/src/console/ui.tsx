// Small pieces every console page uses: loading data, showing the server's refusals,
// and two-step confirmation (no window.confirm: it blocks the page and its tests).
import type {ComponentChildren} from 'preact';
import {useCallback, useEffect, useState} from 'preact/hooks';
import {errorText} from '../client';

export type Loaded<T> = {data: T | null; error: string; reload: () => void};

/** Runs load() on mount and when deps change; reload() runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
    const [data, setData] = useState<T | null>(null);
    const [error, setError] = useState('');
    const [round, setRound] = useState(0);
    useEffect(() => {
        let live = true;
        setError('');
        load().then(
            (value) => live && setData(value),
            (err) => live && setError(errorText(err)),
        );
        return () => {
            live = false;
        };
    }, [...deps, round]);
    const reload = useCallback(() => setRound((n) => n + 1), []);
    return {data, error, reload};
}

/** An action's outcome: the server's message when it refused, or a short note. */
export type Outcome = {error: string; note: string};

export function useAction(): [Outcome, (work: () => Promise<unknown>, note?: string) => Promise<boolean>, () => void] {
    const [outcome, setOutcome] = useState<Outcome>({error: '', note: ''});
    const run = useCallback(async (work: () => Promise<unknown>, note = '') => {
        setOutcome({error: '', note: ''});
        try {
            await work();
            setOutcome({error: '', note});
            return true;
        } catch (err) {
            setOutcome({error: errorText(err), note: ''});
            return false;
        }
    }, []);
    const clear = useCallback(() => setOutcome({error: '', note: ''}), []);
    return [outcome, run, clear];
}

export function OutcomeLine({outcome}: {outcome: Outcome}) {
    if (outcome.error) {
        return <p class="console-error" role="alert">{outcome.error}</p>;
    }
    return outcome.note ? <p class="console-note" role="status">{outcome.note}</p> : null;
}

export function ErrorLine({error}: {error: string}) {
    return error ? <p class="console-error" role="alert">{error}</p> : null;
}

/** A button that asks "Sure?" in place before doing something hard to undo. */
export function ConfirmButton({label, onConfirm, danger = true}: {label: string; onConfirm: () => void; danger?: boolean}) {
    const [asking, setAsking] = useState(false);
    if (!asking) {
        return <button class={danger ? 'danger' : ''} onClick={() => setAsking(true)}>{label}</button>;
    }
    return (
        <span class="confirm">
            {label}?{' '}
            <button class={danger ? 'danger' : 'primary'} onClick={() => { setAsking(false); onConfirm(); }}>Yes, {label.toLowerCase()}</button>
            <button onClick={() => setAsking(false)}>Cancel</button>
        </span>
    );
}

export function Page({title, children, actions}: {title: string; children: ComponentChildren; actions?: ComponentChildren}) {
    return (
        <section class="console-page" aria-labelledby="console-title">
            <header class="console-head">
                <h2 id="console-title">{title}</h2>
                {actions}
            </header>
            {children}
        </section>
    );
}

export function when(ms: number): string {
    return ms ? new Date(ms).toLocaleString() : '—';
}
