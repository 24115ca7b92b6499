// Dialogs kept out of the page's main state: a confirmation stacks over any overlay (a
// delete asked for from inside a dialog), and the invitation and channel-notification
// dialogs open from menus without adding to the shared Overlay list.
import {useEffect, useState} from 'preact/hooks';

export type Confirmation = {text: string; action: string; resolve: (ok: boolean) => void};
export type Panel = '' | 'invite' | 'channel-notify';

type Ui = {confirm: Confirmation | null; panel: Panel};

let ui: Ui = {confirm: null, panel: ''};
const listeners = new Set<() => void>();

function set(change: Partial<Ui>): void {
    ui = {...ui, ...change};
    listeners.forEach((listener) => listener());
}

/** Ask before something that cannot be undone; resolves true when confirmed. */
export function confirmAction(text: string, action = 'Delete'): Promise<boolean> {
    // A second question replaces an unanswered first one, which counts as cancelled.
    ui.confirm?.resolve(false);
    return new Promise((resolve) => set({confirm: {text, action, resolve}}));
}

export function answerConfirm(ok: boolean): void {
    const pending = ui.confirm;
    set({confirm: null});
    pending?.resolve(ok);
}

export function openPanel(panel: Panel): void {
    set({panel});
}

export function closePanel(): void {
    set({panel: ''});
}

export function useUi(): Ui {
    const [value, setValue] = useState(ui);
    useEffect(() => {
        const update = () => setValue(ui);
        listeners.add(update);
        update();
        return () => {
            listeners.delete(update);
        };
    }, []);
    return value;
}
