import {useState} from 'preact/hooks';
import {addLinkBookmark, bookmarkHref, removeBookmark, useBookmarks} from '../bookmarks';
import {errorText} from '../client';
import {getState, setState} from '../store';
import {Emoji} from './Emoji';

const fail = (err: unknown) => setState({error: errorText(err)});

/** The bar of a channel's bookmarks under its header; nothing when it has none. */
export function BookmarksBar({channelId}: {channelId: string}) {
    const list = useBookmarks(channelId);
    if (!list || !list.length) {
        return null;
    }
    return (
        <nav class="bookmarks" aria-label="Bookmarks">
            {list.map((b) => (
                <span class="bookmark" key={b.id} data-testid="bookmark">
                    <a href={bookmarkHref(b)} target="_blank" rel="noopener noreferrer">
                        {b.emoji ? <Emoji name={b.emoji.replace(/:/g, '')} /> : b.type === 'file' ? '📎' : '🔗'} {b.display_name}
                    </a>
                    <button class="remove" aria-label={`Remove bookmark ${b.display_name}`} title="Remove"
                        onClick={() => void removeBookmark(channelId, b.id).catch(fail)}>×</button>
                </span>
            ))}
        </nav>
    );
}

/** The dialog of the channel menu's "Add a bookmark": a title and a link. */
export function AddBookmark() {
    const channelId = getState().channelId;
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    const close = () => setState({overlay: ''});
    const submit = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        setBusy(true);
        setError('');
        try {
            await addLinkBookmark(channelId, String(form.get('title') || '').trim(), String(form.get('url') || '').trim());
            close();
        } catch (err) {
            // The server's words: a javascript: link, a title too long, ...
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    return (
        <form onSubmit={submit} aria-label="Add a bookmark">
            <h3>Add a bookmark</h3>
            <label>Link<input name="url" type="url" required autoFocus placeholder="https://" /></label>
            <label>Title<input name="title" required maxLength={64} /></label>
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                <button type="button" onClick={close}>Cancel</button>
                <button class="primary" type="submit" disabled={busy}>Add</button>
            </div>
        </form>
    );
}
