// Keyboard habits from Mattermost: Alt+Up/Down moves to the channel above or below in
// the sidebar (Alt+Shift: the unread ones), Ctrl+/ lists the shortcuts.
import {useEffect, useRef, useState} from 'preact/hooks';

export const SHORTCUTS: Array<[string, string]> = [
    ['Ctrl+K', 'Find a channel'],
    ['Alt+Up / Alt+Down', 'Previous / next channel in the sidebar'],
    ['Alt+Shift+Up / Down', 'Previous / next unread channel'],
    ['Enter', 'Send (inside an open ``` code block: new line)'],
    ['Shift+Enter', 'New line'],
    ['Ctrl+Enter', 'Send, even inside an open code block'],
    ['Up (empty box)', 'Edit your last message'],
    ['@ ~ : /', 'Suggest people, channels, emoji, commands'],
    ['Up / Down, Tab or Enter', 'Move through suggestions, choose one'],
    ['Escape', 'Close suggestions, dialogs and panels'],
    ['Ctrl+/', 'This list'],
];

/** The sidebar's channel links, in the order shown. */
function sidebarLinks(): HTMLAnchorElement[] {
    return Array.from(document.querySelectorAll<HTMLAnchorElement>('.sidebar a.item[data-channel]'));
}

export function moveChannel(step: 1 | -1, unreadOnly: boolean): void {
    const links = sidebarLinks();
    // The address, not the 'active' class: a click changes the address at once, while
    // the sidebar re-renders later, and a second key press in between must step from
    // the channel shown, not from the one before it.
    let current = links.findIndex((a) => a.pathname === window.location.pathname);
    if (current < 0) {
        // An address that names no link (the team's root shows Town Square).
        current = links.findIndex((a) => a.classList.contains('active'));
    }
    for (let i = 1; i <= links.length; i++) {
        const next = links[(current + step * i + links.length * i) % links.length];
        if (next && (!unreadOnly || next.classList.contains('unread'))) {
            if (next.pathname !== window.location.pathname) {
                next.click();
            }
            return;
        }
    }
}

let openHelp: (() => void) | null = null;

/** Alt+Up/Down and Ctrl+/ for as long as a team is shown: mounted with the layout, not
 * with a channel's composer, which is replaced on every switch (a key pressed while
 * the next one mounted was lost). */
export function ChannelKeys() {
    useChannelKeys();
    return <KeyboardHelp />;
}

function useChannelKeys(): void {
    useEffect(() => {
        const onKey = (event: KeyboardEvent) => {
            if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
                event.preventDefault();
                moveChannel(event.key === 'ArrowDown' ? 1 : -1, event.shiftKey);
            } else if ((event.ctrlKey || event.metaKey) && event.key === '/') {
                event.preventDefault();
                openHelp?.();
            }
        };
        window.addEventListener('keydown', onKey);
        return () => window.removeEventListener('keydown', onKey);
    }, []);
}

/** The list of shortcuts (Ctrl+/), a dialog closed by Escape, its button or a click outside. */
export function KeyboardHelp() {
    const [open, setOpen] = useState(false);
    const closeButton = useRef<HTMLButtonElement>(null);
    useEffect(() => {
        const show = () => setOpen((was) => !was);
        openHelp = show;
        return () => {
            if (openHelp === show) {
                openHelp = null;
            }
        };
    }, []);
    useEffect(() => {
        if (!open) {
            return;
        }
        const before = document.activeElement as HTMLElement | null;
        closeButton.current?.focus();
        const onKey = (event: KeyboardEvent) => {
            if (event.key === 'Escape') {
                setOpen(false);
            }
        };
        window.addEventListener('keydown', onKey);
        return () => {
            window.removeEventListener('keydown', onKey);
            before?.focus();
        };
    }, [open]);
    if (!open) {
        return null;
    }
    return (
        <div class="overlay" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
            <div class="dialog keyboard-help" role="dialog" aria-modal="true" aria-labelledby="keyboard-help-title">
                <h3 id="keyboard-help-title">Keyboard shortcuts</h3>
                <table>
                    <tbody>
                        {SHORTCUTS.map(([keys, what]) => (
                            <tr key={keys}><th scope="row"><kbd>{keys}</kbd></th><td>{what}</td></tr>
                        ))}
                    </tbody>
                </table>
                <div class="buttons"><button ref={closeButton} onClick={() => setOpen(false)}>Close</button></div>
            </div>
        </div>
    );
}
