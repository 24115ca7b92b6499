// Client-side routes; Roost answers every one of these paths with index.html.
import {useEffect, useState} from 'preact/hooks';

export type Route =
    | {name: 'login'}
    | {name: 'signup'}
    | {name: 'root'}
    | {name: 'select_team'}
    | {name: 'channel'; team: string; channel: string}
    | {name: 'dm'; team: string; username: string}
    | {name: 'threads'; team: string; threadId: string}
    | {name: 'console'; section: string; sub: string};

export function parse(path: string): Route {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'login') {
        return {name: 'login'};
    }
    if (parts[0] === 'signup_user_complete' || parts[0] === 'signup') {
        return {name: 'signup'};
    }
    if (parts[0] === 'admin_console') {
        return {name: 'console', section: parts[1] || '', sub: parts[2] || ''};
    }
    if (parts[0] === 'select_team') {
        return {name: 'select_team'};
    }
    if (parts.length >= 3 && parts[1] === 'channels') {
        return {name: 'channel', team: parts[0], channel: parts[2]};
    }
    if (parts.length >= 3 && parts[1] === 'messages') {
        const target = parts[2];
        if (target.startsWith('@')) {
            return {name: 'dm', team: parts[0], username: target.slice(1)};
        }
        return {name: 'channel', team: parts[0], channel: target};
    }
    if (parts.length >= 2 && parts[1] === 'threads') {
        return {name: 'threads', team: parts[0], threadId: parts[2] || ''};
    }
    if (parts.length === 1) {
        return {name: 'channel', team: parts[0], channel: 'town-square'};
    }
    return {name: 'root'};
}

const listeners = new Set<() => void>();

export function navigate(path: string, replace = false): void {
    if (path === window.location.pathname) {
        return;
    }
    if (replace) {
        window.history.replaceState(null, '', path);
    } else {
        window.history.pushState(null, '', path);
    }
    listeners.forEach((listener) => listener());
}

window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

export function usePath(): string {
    const [path, setPath] = useState(window.location.pathname);
    useEffect(() => {
        const update = () => setPath(window.location.pathname);
        listeners.add(update);
        return () => {
            listeners.delete(update);
        };
    }, []);
    return path;
}
