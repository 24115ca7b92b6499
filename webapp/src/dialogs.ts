// Interactive dialogs: an integration opens one through POST /actions/dialogs/open with
// the trigger id of a slash command or a message button, and it arrives here as an
// `open_dialog` event; the form goes back through POST /actions/dialogs/submit, whose
// answer may carry a general `error` and per-field `errors` to show in the form.
import {useEffect, useState} from 'preact/hooks';
import {client, socket} from './client';
import {getState} from './store';

export type DialogOption = {text: string; value: string};
export type DialogElement = {
    display_name: string;
    name: string;
    type: 'text' | 'textarea' | 'select' | 'bool' | 'radio';
    subtype?: string;
    default?: string;
    placeholder?: string;
    help_text?: string;
    optional?: boolean;
    min_length?: number;
    max_length?: number;
    data_source?: '' | 'users' | 'channels';
    options?: DialogOption[] | null;
};
export type Dialog = {
    callback_id?: string;
    title: string;
    introduction_text?: string;
    icon_url?: string;
    elements?: DialogElement[] | null;
    submit_label?: string;
    notify_on_cancel?: boolean;
    state?: string;
};
export type OpenDialog = {trigger_id: string; url: string; dialog: Dialog; channelId: string; teamId: string};
export type Answer = {error?: string; errors?: Record<string, string>};
export type Values = Record<string, string | boolean>;

let open: OpenDialog | null = null;
const listeners = new Set<() => void>();
let listening = false;

function show(next: OpenDialog | null): void {
    open = next;
    listeners.forEach((l) => l());
}

export function listenForDialogs(): void {
    if (listening) {
        return;
    }
    listening = true;
    socket.addMessageListener((message) => {
        const msg = message as {event: string; data?: {dialog?: unknown}};
        if (msg.event !== 'open_dialog' || typeof msg.data?.dialog !== 'string') {
            return;
        }
        try {
            const request = JSON.parse(msg.data.dialog) as Omit<OpenDialog, 'channelId' | 'teamId'>;
            // The dialog belongs to the channel the person is in when it opens (where
            // the command ran): its submission names that channel and team.
            const {channelId, teamId} = getState();
            show({...request, channelId, teamId});
        } catch {
            // A malformed event is ignored: the server checked the dialog already.
        }
    });
}

export function useOpenDialog(): OpenDialog | null {
    const [current, setCurrent] = useState(open);
    useEffect(() => {
        const update = () => setCurrent(open);
        listeners.add(update);
        update();
        return () => {
            listeners.delete(update);
        };
    }, []);
    return current;
}

/** The value an element starts with: its default, as a boolean for a checkbox. */
export function initialValues(elements: DialogElement[]): Values {
    return Object.fromEntries(elements.map((e) => [e.name, e.type === 'bool' ? e.default === 'true' : e.default || '']));
}

/** What the client itself can say is wrong before sending (Mattermost's web app checks
 * required fields and lengths the same way); the integration checks the rest. */
export function checkValues(elements: DialogElement[], values: Values): Record<string, string> {
    const problems: Record<string, string> = {};
    for (const e of elements) {
        const value = values[e.name];
        if (e.type === 'bool') {
            continue;
        }
        const text = typeof value === 'string' ? value : '';
        if (!e.optional && !text.trim()) {
            problems[e.name] = 'This field is required.';
        } else if (text && e.min_length && text.length < e.min_length) {
            problems[e.name] = `Must be at least ${e.min_length} characters.`;
        } else if (text && e.subtype === 'number' && Number.isNaN(Number(text))) {
            problems[e.name] = 'Must be a number.';
        }
    }
    return problems;
}

async function send(current: OpenDialog, submission: Values, cancelled: boolean): Promise<Answer> {
    const answer = await client.submitInteractiveDialog({
        url: current.url,
        callback_id: current.dialog.callback_id || '',
        state: current.dialog.state || '',
        channel_id: current.channelId,
        team_id: current.teamId,
        submission,
        cancelled,
    } as never);
    return (answer || {}) as Answer;
}

/** Submits the form; closes the dialog unless the integration's answer names errors. */
export async function submitDialog(current: OpenDialog, values: Values): Promise<Answer> {
    const answer = await send(current, values, false);
    if (!answer.error && !(answer.errors && Object.keys(answer.errors).length)) {
        show(null);
    }
    return answer;
}

/** Closes the dialog; the integration hears of it when it asked to. */
export function cancelDialog(current: OpenDialog): void {
    show(null);
    if (current.dialog.notify_on_cancel) {
        void send(current, {}, true).catch(() => undefined);
    }
}
