import {useEffect, useState} from 'preact/hooks';
import {client, errorText} from '../client';
import {cancelDialog, checkValues, initialValues, submitDialog, useOpenDialog, type DialogElement, type DialogOption, type OpenDialog, type Values} from '../dialogs';
import {renderMarkdown} from '../markdown';
import {displayName} from '../users';

/** The dialog an integration opened, as a modal form over the page. */
export function InteractiveDialog() {
    const current = useOpenDialog();
    if (!current) {
        return null;
    }
    // A new dialog (even with the same title) starts from its own defaults.
    return <Form key={current.trigger_id} current={current} />;
}

function Form({current}: {current: OpenDialog}) {
    const {dialog} = current;
    const elements = dialog.elements || [];
    const [values, setValues] = useState<Values>(() => initialValues(elements));
    const [problems, setProblems] = useState<Record<string, string>>({});
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    const set = (name: string, value: string | boolean) => {
        setValues((v) => ({...v, [name]: value}));
        // A changed field's complaint is stale: it goes until the next submit says again.
        setProblems((p) => (name in p ? Object.fromEntries(Object.entries(p).filter(([k]) => k !== name)) : p));
    };
    const submit = async (event: Event) => {
        event.preventDefault();
        const found = checkValues(elements, values);
        setProblems(found);
        setError('');
        if (Object.keys(found).length) {
            return;
        }
        setBusy(true);
        try {
            const answer = await submitDialog(current, values);
            setProblems(answer.errors || {});
            setError(answer.error || '');
        } catch (err) {
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    return (
        <div class="overlay" onMouseDown={(e) => e.target === e.currentTarget && cancelDialog(current)}
            onKeyDown={(e) => e.key === 'Escape' && cancelDialog(current)}>
            <div class="dialog interactive-dialog" role="dialog" aria-modal="true" aria-label={dialog.title}>
                <form onSubmit={submit} noValidate>
                    <h3>{dialog.icon_url && fromHere(dialog.icon_url) && <img class="dialog-icon" src={dialog.icon_url} alt="" width={24} height={24} />}{dialog.title}</h3>
                    {dialog.introduction_text && (
                        // renderMarkdown gives safe HTML (the text is the integration's, not ours).
                        <div class="dialog-intro markdown" dangerouslySetInnerHTML={{__html: renderMarkdown(dialog.introduction_text)}} />
                    )}
                    {elements.map((element, i) => (
                        <Field key={element.name} element={element} value={values[element.name]} problem={problems[element.name]}
                            onChange={(v) => set(element.name, v)} autoFocus={i === 0} teamId={current.teamId} />
                    ))}
                    {error && <p class="error" role="alert">{error}</p>}
                    <div class="buttons">
                        <button type="button" onClick={() => cancelDialog(current)}>Cancel</button>
                        <button class="primary" type="submit" disabled={busy}>{dialog.submit_label || 'Submit'}</button>
                    </div>
                </form>
            </div>
        </div>
    );
}

/** Whether an image is this server's: the page loads no other (its `img-src 'self'`). */
function fromHere(url: string): boolean {
    try {
        return new URL(url, window.location.origin).origin === window.location.origin;
    } catch {
        return false;
    }
}

type FieldProps = {
    element: DialogElement;
    value: string | boolean | undefined;
    problem?: string;
    onChange: (value: string | boolean) => void;
    autoFocus: boolean;
    teamId: string;
};

function Field({element: e, value, problem, onChange, autoFocus, teamId}: FieldProps) {
    const id = `dialog-${e.name}`;
    const described = [problem && `${id}-problem`, e.help_text && `${id}-help`].filter(Boolean).join(' ') || undefined;
    const label = <>{e.display_name}{!e.optional && e.type !== 'bool' && <span aria-hidden="true"> *</span>}</>;
    const text = typeof value === 'string' ? value : '';
    let input;
    if (e.type === 'bool') {
        return (
            <div class="dialog-field">
                <label class="check"><input id={id} type="checkbox" checked={value === true} aria-describedby={described}
                    onChange={(ev) => onChange((ev.currentTarget as HTMLInputElement).checked)} />{e.placeholder || e.display_name}</label>
                {e.help_text && <small id={`${id}-help`}>{e.help_text}</small>}
                {problem && <p class="error" id={`${id}-problem`}>{problem}</p>}
            </div>
        );
    }
    if (e.type === 'radio') {
        return (
            <fieldset class="dialog-field" aria-describedby={described}>
                <legend>{label}</legend>
                {(e.options || []).map((o) => (
                    <label class="check" key={o.value}><input type="radio" name={id} value={o.value} checked={text === o.value}
                        onChange={() => onChange(o.value)} />{o.text}</label>
                ))}
                {e.help_text && <small id={`${id}-help`}>{e.help_text}</small>}
                {problem && <p class="error" id={`${id}-problem`}>{problem}</p>}
            </fieldset>
        );
    }
    if (e.type === 'textarea') {
        input = <textarea id={id} value={text} placeholder={e.placeholder} maxLength={e.max_length || undefined} rows={4}
            autoFocus={autoFocus} aria-invalid={Boolean(problem)} aria-describedby={described}
            onInput={(ev) => onChange((ev.currentTarget as HTMLTextAreaElement).value)} />;
    } else if (e.type === 'select') {
        input = <Select id={id} element={e} value={text} onChange={onChange} teamId={teamId} described={described} invalid={Boolean(problem)} />;
    } else {
        const kind = ['email', 'number', 'password', 'tel', 'url'].includes(e.subtype || '') ? e.subtype : 'text';
        input = <input id={id} type={kind} value={text} placeholder={e.placeholder} maxLength={e.max_length || undefined}
            autoFocus={autoFocus} aria-invalid={Boolean(problem)} aria-describedby={described}
            onInput={(ev) => onChange((ev.currentTarget as HTMLInputElement).value)} />;
    }
    return (
        <div class="dialog-field">
            <label for={id}>{label}</label>
            {input}
            {e.help_text && <small id={`${id}-help`}>{e.help_text}</small>}
            {problem && <p class="error" id={`${id}-problem`}>{problem}</p>}
        </div>
    );
}

type SelectProps = {
    id: string;
    element: DialogElement;
    value: string;
    onChange: (value: string) => void;
    teamId: string;
    described?: string;
    invalid: boolean;
};

/** A static list, or people / channels found as one types (the server's autocomplete). */
function Select({id, element: e, value, onChange, teamId, described, invalid}: SelectProps) {
    const [term, setTerm] = useState('');
    const [found, setFound] = useState<DialogOption[]>([]);
    const source = e.data_source || '';
    useEffect(() => {
        if (!source) {
            return;
        }
        let stale = false;
        const timer = window.setTimeout(async () => {
            try {
                const options = source === 'users'
                    ? (await client.autocompleteUsers(term, teamId, '', {limit: 25})).users.map((u) => ({text: `@${u.username} ${displayName(u)}`, value: u.id}))
                    : (await client.autocompleteChannels(teamId, term)).map((c) => ({text: c.display_name, value: c.id}));
                if (!stale) {
                    setFound(options);
                }
            } catch {
                // Nothing found is shown as an empty list.
            }
        }, 150);
        return () => {
            stale = true;
            window.clearTimeout(timer);
        };
    }, [source, term, teamId]);
    const options = source ? found : (e.options || []);
    return (
        <div class="dialog-select">
            {source && <input type="search" aria-label={`Search ${e.display_name}`} value={term} placeholder={e.placeholder || 'Type to search'}
                onInput={(ev) => setTerm((ev.currentTarget as HTMLInputElement).value)} />}
            <select id={id} value={value} aria-invalid={invalid} aria-describedby={described}
                onChange={(ev) => onChange((ev.currentTarget as HTMLSelectElement).value)}>
                <option value="">{source ? 'Choose…' : (e.placeholder || 'Choose…')}</option>
                {options.map((o) => <option key={o.value} value={o.value}>{o.text}</option>)}
            </select>
        </div>
    );
}
