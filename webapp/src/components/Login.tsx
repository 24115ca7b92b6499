import {useState} from 'preact/hooks';
import {errorText} from '../client';
import {navigate} from '../router';
import {login, signup} from '../session';

export function Login({mode}: {mode: 'login' | 'signup'}) {
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
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
                await login(value('login_id'), String(form.get('password') || ''));
            }
            // App follows the URL from here: a deep link opens where it points.
        } catch (err) {
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
                    <label>Email or username<input name="login_id" autocomplete="username" required /></label>
                )}
                <label>Password<input name="password" type="password" autocomplete={mode === 'signup' ? 'new-password' : 'current-password'} required /></label>
                {error && <p class="error" role="alert">{error}</p>}
                <button class="primary" type="submit" disabled={busy}>{mode === 'signup' ? 'Create account' : 'Log in'}</button>
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
