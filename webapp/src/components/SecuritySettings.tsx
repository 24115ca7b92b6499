import {useEffect, useState} from 'preact/hooks';
import type {Session} from '@mattermost/types/sessions';
import {client, errorText} from '../client';
import {logout} from '../session';
import {setState, useAppState} from '../store';
import {clock, dayLabel} from './time';

/** The MMCSRF cookie (readable by the page): it names this browser's session, whose
 * CSRF token the server lists as the session's `csrf` prop. */
function myCsrf(): string {
    const found = document.cookie.split('; ').find((c) => c.startsWith('MMCSRF='));
    return found ? decodeURIComponent(found.slice('MMCSRF='.length)) : '';
}

function describe(session: Session): string {
    const props = session.props || {};
    const parts = [props.platform, props.browser, props.os].filter((p) => p && p !== 'Unknown');
    if (session.device_id) {
        parts.unshift('Mobile app');
    }
    return parts.length ? parts.join(' · ') : 'Unknown device';
}

function when(at: number): string {
    return `${dayLabel(at)} ${clock(at)}`;
}

/** Where I am signed in, with a way to sign each one out. */
export function SessionsSection() {
    const {me} = useAppState();
    const [sessions, setSessions] = useState<Session[] | null>(null);
    const [error, setError] = useState('');
    const mine = myCsrf();
    const load = async () => {
        if (!me) {
            return;
        }
        try {
            const found = await client.getSessions(me.id);
            setSessions([...found].sort((a, b) => b.last_activity_at - a.last_activity_at));
        } catch (err) {
            setError(errorText(err));
        }
    };
    useEffect(() => {
        void load();
    }, [me?.id]);
    if (!me) {
        return null;
    }
    const revoke = async (session: Session) => {
        setError('');
        try {
            await client.revokeSession(me.id, session.id);
            if (session.props?.csrf === mine) {
                window.location.assign('/login');
                return;
            }
            await load();
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <section aria-label="Sessions">
            <h3>Sessions</h3>
            {sessions === null ? <p class="muted">Loading…</p> : (
                <ul class="sessions">
                    {sessions.map((session) => (
                        <li key={session.id} data-session-id={session.id}>
                            <span>
                                <strong>{describe(session)}</strong>
                                {session.props?.csrf === mine && <span class="muted"> (this browser)</span>}
                                <br />
                                <span class="muted">Last active {when(session.last_activity_at)} · signed in {when(session.create_at)}</span>
                            </span>
                            <button onClick={() => void revoke(session)}>{session.props?.csrf === mine ? 'Log out' : 'Revoke'}</button>
                        </li>
                    ))}
                </ul>
            )}
            {error && <p class="error" role="alert">{error}</p>}
        </section>
    );
}

/** Multi-factor authentication: a QR code for an authenticator app, then its code. */
export function MfaSection() {
    const {me} = useAppState();
    const [enabled, setEnabled] = useState(false);
    const [qr, setQr] = useState('');
    const [secret, setSecret] = useState('');
    const [error, setError] = useState('');
    useEffect(() => {
        client.getClientConfig().then(
            (config) => setEnabled(config.EnableMultifactorAuthentication === 'true'),
            () => setEnabled(false),
        );
    }, []);
    if (!me || !enabled) {
        return null;
    }
    const generate = async () => {
        setError('');
        try {
            const answer = await client.generateMfaSecret(me.id);
            setQr(answer.qr_code);
            setSecret(answer.secret);
        } catch (err) {
            setError(errorText(err));
        }
    };
    const activate = async (event: Event) => {
        event.preventDefault();
        const code = String(new FormData(event.currentTarget as HTMLFormElement).get('code') || '').trim();
        setError('');
        try {
            await client.updateUserMfa(me.id, true, code);
            setQr('');
            setSecret('');
            setState({me: {...me, mfa_active: true}});
        } catch (err) {
            setError(errorText(err));
        }
    };
    const turnOff = async () => {
        setError('');
        try {
            await client.updateUserMfa(me.id, false, '');
            setState({me: {...me, mfa_active: false}});
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <section aria-label="Multi-factor authentication">
            <h3>Multi-factor authentication</h3>
            {me.mfa_active ? (
                <p>On: logging in asks for a code from your authenticator app. <button onClick={() => void turnOff()}>Turn off</button></p>
            ) : qr ? (
                <form onSubmit={activate} aria-label="Activate MFA">
                    <p>Scan this with an authenticator app, then enter the code it shows.</p>
                    <img src={`data:image/png;base64,${qr}`} alt="MFA QR code" width={180} height={180} />
                    <p class="muted">Or enter this key: <code data-mfa-secret>{secret}</code></p>
                    <label>Code<input name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={8} /></label>
                    <div class="buttons"><button class="primary" type="submit">Activate</button></div>
                </form>
            ) : (
                <p>Off. <button onClick={() => void generate()}>Set up</button></p>
            )}
            {error && <p class="error" role="alert">{error}</p>}
        </section>
    );
}

/** The whole page while the server enforces MFA and I have none. */
export function MfaRequired() {
    const {me} = useAppState();
    useEffect(() => {
        if (me?.mfa_active) {
            // Set up: start over as a normal sign-in.
            window.location.reload();
        }
    }, [me?.mfa_active]);
    return (
        <div class="auth">
            <div class="card">
                <h1 class="brand">Roost</h1>
                <h2>Set up multi-factor authentication</h2>
                <p>This server asks everyone to protect their account with a code from an authenticator app.</p>
                <MfaSection />
                <p><button class="link" onClick={() => void logout()}>Log out</button></p>
            </div>
        </div>
    );
}
