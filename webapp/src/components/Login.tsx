import {useEffect, useState} from 'preact/hooks';
import {client, errorId, errorText} from '../client';
import {navigate} from '../router';
import {login, signup} from '../session';

// The server's answer to a login that needs an MFA code it did not get (Mattermost's).
const MFA_NEEDED = 'mfa.validate_token.authenticate.app_error';

type ClientConfig = Record<string, string>;

// The single sign-on buttons the server's client config turns on, Mattermost's keys.
function ssoButtons(config: ClientConfig): {id: string; label: string; href: string; color?: string}[] {
    // Back to the page the person came for once signed in.
    const back = encodeURIComponent(window.location.pathname === '/login' ? '/' : window.location.pathname);
    const buttons = [];
    const oauth = (id: string, key: string, label: string, color?: string) => {
        if (config[key] === 'true') {
            buttons.push({id, label, href: `/oauth/${id}/login?redirect_to=${back}`, color});
        }
    };
    oauth('gitlab', 'EnableSignUpWithGitLab', config.GitLabButtonText || 'GitLab', config.GitLabButtonColor);
    oauth('google', 'EnableSignUpWithGoogle', 'Google');
    oauth('office365', 'EnableSignUpWithOffice365', 'Microsoft');
    oauth('openid', 'EnableSignUpWithOpenId', config.OpenIdButtonText || 'OpenID', config.OpenIdButtonColor);
    if (config.EnableSaml === 'true') {
        buttons.push({id: 'saml', label: config.SamlLoginButtonText || 'SAML', href: `/login/sso/saml?redirect_to=${back}`});
    }
    return buttons;
}

export function Login({mode}: {mode: 'login' | 'signup'}) {
    const [config, setConfig] = useState<ClientConfig>({});
    useEffect(() => {
        client.getClientConfig().then((c) => setConfig(c as unknown as ClientConfig)).catch(() => undefined);
    }, []);
    const sso = ssoButtons(config);
    // With LDAP on, the login field says what the directory calls it.
    const loginLabel = config.EnableLdap === 'true' ? (config.LdapLoginFieldName || 'AD/LDAP username') + ', email or username' : 'Email or username';
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    const [askCode, setAskCode] = useState(false);
    const submit = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const value = (name: string) => String(form.get(name) || '').trim();
        setBusy(true);
        setError('');
        try {
            if (mode === 'signup') {
                await signup(value('email'), value('username'), String(form.get('password') || ''));
            } else {
                await login(value('login_id'), String(form.get('password') || ''), value('mfa_code'));
            }
            // App follows the URL from here: a deep link opens where it points.
        } catch (err) {
            if (errorId(err) === MFA_NEEDED && !askCode) {
                setAskCode(true);
                setError('Enter the code from your authenticator app.');
                return;
            }
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    return (
        <div class="auth">
            <form class="card" onSubmit={submit}>
                <h1 class="brand">Roost</h1>
                <h2>{mode === 'signup' ? 'Create your account' : 'Log in'}</h2>
                {mode === 'signup' ? (
                    <>
                        <label>Email<input name="email" type="email" autocomplete="email" required /></label>
                        <label>Username<input name="username" autocomplete="username" required /></label>
                    </>
                ) : (
                    <label>{loginLabel}<input name="login_id" autocomplete="username" required /></label>
                )}
                <label>Password<input name="password" type="password" autocomplete={mode === 'signup' ? 'new-password' : 'current-password'} required /></label>
                {askCode && <label>MFA code<input name="mfa_code" inputMode="numeric" autocomplete="one-time-code" maxLength={8} required /></label>}
                {error && <p class="error" role="alert">{error}</p>}
                <button class="primary" type="submit" disabled={busy}>{mode === 'signup' ? 'Create account' : 'Log in'}</button>
                {sso.length > 0 && (
                    <nav class="sso" aria-label="Single sign-on">
                        <p class="muted">or</p>
                        {sso.map((b) => (
                            <a key={b.id} class="sso-button" href={b.href} style={b.color ? {borderColor: b.color} : undefined}>
                                Sign in with {b.label}
                            </a>
                        ))}
                    </nav>
                )}
                <p class="muted">
                    {mode === 'signup' ? (
                        <>Already have an account? <a href="/login" onClick={(e) => { e.preventDefault(); navigate('/login'); }}>Log in</a></>
                    ) : (
                        <>New here? <a href="/signup_user_complete" onClick={(e) => { e.preventDefault(); navigate('/signup_user_complete'); }}>Create an account</a></>
                    )}
                </p>
            </form>
        </div>
    );
}
