import {useState} from 'preact/hooks';
import {createCategory, renameCategory} from '../categories';
import {errorText} from '../client';
import {setState, useAppState} from '../store';

const close = () => setState({overlay: '', categoryTarget: {}});

/** Name a new category (maybe with the channel it was asked for), or rename one. */
export function CategoryDialog({rename}: {rename: boolean}) {
    const s = useAppState();
    const category = rename ? s.categories.find((c) => c.id === s.categoryTarget.categoryId) : undefined;
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    const submit = async (event: Event) => {
        event.preventDefault();
        const name = String(new FormData(event.currentTarget as HTMLFormElement).get('name') || '').trim();
        setBusy(true);
        setError('');
        try {
            if (category) {
                await renameCategory(category, name);
            } else {
                const channelId = s.categoryTarget.channelId;
                await createCategory(name, channelId ? [channelId] : []);
            }
            close();
        } catch (err) {
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    const title = rename ? 'Rename category' : 'Create new category';
    return (
        <form onSubmit={submit} aria-label={title}>
            <h3>{title}</h3>
            <label>Name<input name="name" defaultValue={category?.display_name || ''} required maxLength={22} autoFocus /></label>
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                <button type="button" onClick={close}>Cancel</button>
                <button class="primary" type="submit" disabled={busy}>{rename ? 'Rename' : 'Create'}</button>
            </div>
        </form>
    );
}
