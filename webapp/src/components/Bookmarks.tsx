import type {ChannelBookmark} from '@mattermost/types/channel_bookmarks';
import {useCallback, useState} from 'preact/hooks';
import {addFileBookmark, addLinkBookmark, bookmarkHref, removeBookmark, useBookmarks} from '../bookmarks';
import {errorText} from '../client';
import {getState, setState, useSelector, type State} from '../store';
import {Emoji} from './Emoji';
import {fileSize} from './Files';
import './messaging.css';

const fail = (err: unknown) => setState({error: errorText(err)});

/** The bar of a channel's bookmarks under its header; nothing when it has none. */
export function BookmarksBar({channelId}: {channelId: string}) {
    const list = useBookmarks(channelId);
    // An archived channel's bookmarks are read only (and so, for whoever is not in it,
    // are those of a channel they only read).
    const editable = useSelector(useCallback((s: State) => !s.channels[channelId]?.delete_at && Boolean(s.members[channelId]), [channelId]));
    if (!list || !list.length) {
        return null;
    }
    return (
        <nav class="bookmarks" aria-label="Bookmarks">
            {list.map((b) => (
                <span class="bookmark" key={b.id} data-testid="bookmark" data-type={b.type}>
                    <BookmarkLink b={b} />
                    {editable && <button class="remove" aria-label={`Remove bookmark ${b.display_name}`} title="Remove"
                        onClick={() => void removeBookmark(channelId, b.id).catch(fail)}>×</button>}
                </span>
            ))}
        </nav>
    );
}

/** A link opens in a new tab; a file downloads (the server serves it as an attachment). */
function BookmarkLink({b}: {b: ChannelBookmark}) {
    const icon = b.emoji ? <Emoji name={b.emoji.replace(/:/g, '')} /> : b.type === 'file' ? '📎' : '🔗';
    if (b.type === 'file') {
        const size = b.file ? fileSize(b.file.size) : '';
        return (
            <a href={bookmarkHref(b)} download={b.file?.name || b.display_name} title={size ? `${b.file?.name}, ${size}` : undefined}>
                {icon} {b.display_name}
            </a>
        );
    }
    return <a href={bookmarkHref(b)} target="_blank" rel="noopener noreferrer">{icon} {b.display_name}</a>;
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

/** The dialog of the channel menu's "Attach a file": a file uploaded to the channel and
 * pinned as a bookmark, under a title (the file's name unless one is given). */
export function AttachFileBookmark() {
    const channelId = getState().channelId;
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    const close = () => setState({overlay: ''});
    const submit = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const file = form.get('file');
        if (!(file instanceof File) || !file.name) {
            setError('Choose a file.');
            return;
        }
        setBusy(true);
        setError('');
        try {
            await addFileBookmark(channelId, file, String(form.get('title') || '').trim());
            close();
        } catch (err) {
            // The server's words: the file too large, a title too long, too many bookmarks...
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    return (
        <form onSubmit={submit} aria-label="Attach a file">
            <h3>Attach a file</h3>
            <p class="muted small">Everyone in the channel can download it from the bookmarks bar.</p>
            <label>File<input name="file" type="file" required autoFocus /></label>
            <label>Title (the file's name if empty)<input name="title" maxLength={64} /></label>
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                <button type="button" onClick={close}>Cancel</button>
                <button class="primary" type="submit" disabled={busy}>{busy ? 'Uploading…' : 'Attach'}</button>
            </div>
        </form>
    );
}
