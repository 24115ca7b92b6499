import type {FileInfo} from '@mattermost/types/files';
import {useEffect, useRef, useState} from 'preact/hooks';
import {client, errorId, errorText, socket} from '../client';
import {isCommand, listenForEphemeral, runCommand} from '../commands';
import {SAVE_AFTER_MS, clearDraft, draftFor, keepDraft, loadDrafts, saveDraft} from '../drafts';
import {sendPost} from '../posts';
import {getState, setState} from '../store';
import {SuggestionList, insideCodeFence, useAutocomplete} from './Autocomplete';

const TYPING_EVERY_MS = 2000;
/** The server takes at most this many files on one post. */
export const MAX_FILES_PER_POST = 10;
/** Below this width (phones) opening a channel does not focus the box: the on-screen
 * keyboard would cover the messages. */
const FOCUS_MIN_WIDTH = 760;
const NOT_FOUND = 'api.command.execute_command.not_found.app_error';

type Props = {channelId: string; rootId: string; placeholder: string};

export function Composer({channelId, rootId, placeholder}: Props) {
    const [text, setTextState] = useState(() => draftFor(channelId, rootId));
    const [files, setFiles] = useState<FileInfo[]>([]);
    const [uploading, setUploading] = useState(0);
    const [error, setError] = useState('');
    const [inFence, setInFence] = useState(false);
    const lastTyping = useRef(0);
    const area = useRef<HTMLTextAreaElement>(null);
    const current = useRef(text);
    const saveTimer = useRef(0);
    /** Whether the person typed here yet (a draft arriving late never overwrites that). */
    const touched = useRef(false);

    const flushDraft = () => {
        if (saveTimer.current) {
            window.clearTimeout(saveTimer.current);
            saveTimer.current = 0;
            void saveDraft(channelId, rootId, current.current).catch(() => undefined);
        }
    };
    const setText = (value: string, save = true) => {
        current.current = value;
        setTextState(value);
        if (save) {
            keepDraft(channelId, rootId, value);
            window.clearTimeout(saveTimer.current);
            saveTimer.current = window.setTimeout(flushDraft, SAVE_AFTER_MS);
        }
    };
    const ac = useAutocomplete(channelId, rootId, () => current.current, (value, caret) => {
        // The box changes at once, caret included: the next key typed lands after the choice.
        const box = area.current;
        if (box) {
            box.value = value;
            box.focus();
            box.setSelectionRange(caret, caret);
        }
        setText(value);
    });

    useEffect(() => {
        listenForEphemeral();
        const box = area.current;
        // Not from under an open dialog (the channel may finish opening after one did).
        if (box && window.innerWidth >= FOCUS_MIN_WIDTH && !document.querySelector('[aria-modal="true"]')) {
            box.focus();
            box.setSelectionRange(box.value.length, box.value.length);
        }
        const teamId = getState().channels[channelId]?.team_id || getState().teamId;
        if (teamId) {
            void loadDrafts(teamId).then(() => {
                const draft = draftFor(channelId, rootId);
                if (draft && !touched.current && !current.current) {
                    setText(draft, false);
                }
            });
        }
        // Leaving the channel (or the thread) saves what was typed at once.
        return flushDraft;
    }, []);

    const caretMoved = (box: HTMLTextAreaElement) => {
        ac.update(box.value, box.selectionStart);
        setInFence(insideCodeFence(box.value.slice(0, box.selectionStart)));
    };

    const clearBox = () => {
        window.clearTimeout(saveTimer.current);
        saveTimer.current = 0;
        ac.close();
        setInFence(false);
        setText('', false);
        keepDraft(channelId, rootId, '');
    };

    /** Nothing typed is lost: a failed send puts the text back, and keeps it as the draft. */
    const restore = (typed: string, err: unknown) => {
        keepDraft(channelId, rootId, typed);
        if (!current.current) {
            setText(typed);
        }
        const said = errorText(err);
        setError(errorId(err) === NOT_FOUND
            ? `${said} To send a message beginning with "/", add a space at the beginning.`
            : said);
    };

    const send = async () => {
        const typed = current.current;
        const message = typed.trim();
        if (isCommand(typed)) {
            clearBox();
            setError('');
            try {
                await runCommand(channelId, rootId, message);
                await clearDraft(channelId, rootId).catch(() => undefined);
            } catch (err) {
                restore(typed, err);
            }
            return;
        }
        if ((!message && !files.length) || uploading) {
            return;
        }
        const attached = files;
        clearBox();
        setFiles([]);
        setError('');
        try {
            await sendPost(channelId, rootId, message, attached.map((f) => f.id));
            await clearDraft(channelId, rootId).catch(() => undefined);
        } catch (err) {
            restore(message, err);
            // The files come back with the text (unless new ones were attached meanwhile).
            setFiles((now) => (now.length ? now : attached));
        }
    };

    const editLast = () => {
        const s = getState();
        const ids = rootId ? s.threadReplies[rootId] || [] : s.windows[channelId]?.order || [];
        // Only my own real messages: not an ephemeral answer or a system message.
        const own = [...ids].reverse().find((id) => s.posts[id]?.user_id === s.me?.id && !s.posts[id]?.type);
        if (own) {
            setState({editing: own});
        }
    };

    const upload = async (list: FileList | File[] | null | undefined) => {
        const chosen = Array.from(list || []);
        if (!chosen.length) {
            return;
        }
        if (files.length + uploading + chosen.length > MAX_FILES_PER_POST) {
            setError(`At most ${MAX_FILES_PER_POST} files on one message.`);
            return;
        }
        setError('');
        setUploading((n) => n + chosen.length);
        try {
            for (const file of chosen) {
                const form = new FormData();
                form.append('channel_id', channelId);
                form.append('client_ids', `${Date.now()}${Math.random()}`);
                form.append('files', file, file.name);
                const result = await client.uploadFile(form);
                setFiles((had) => [...had, ...result.file_infos]);
                setUploading((n) => n - 1);
            }
        } catch (err) {
            setUploading(0);
            setError(errorText(err));
        }
    };

    useFileDrop(area, upload);

    return (
        <div class="composer">
            {error && <div class="error" role="alert">{error}</div>}
            {(files.length > 0 || uploading > 0) && (
                <div class="pending-files">
                    {files.map((f) => (
                        <span key={f.id} class="chip">{f.name} <button aria-label={`Remove ${f.name}`} onClick={() => setFiles(files.filter((x) => x.id !== f.id))}>×</button></span>
                    ))}
                    {uploading > 0 && <span class="chip muted">Uploading…</span>}
                </div>
            )}
            <div class="row">
                <label class="attach" title="Attach files">
                    +<input type="file" multiple aria-label="Attach files" onChange={(e) => {
                        const input = e.currentTarget as HTMLInputElement;
                        void upload(input.files).then(() => (input.value = ''));
                    }} />
                </label>
                <SuggestionList ac={ac} />
                <textarea ref={area} dir="auto" value={text} placeholder={placeholder} aria-label={rootId ? 'Reply' : 'Message'} rows={1}
                    data-testid={rootId ? 'reply-box' : 'message-box'}
                    aria-autocomplete="list"
                    aria-controls={ac.open ? ac.listId : undefined}
                    aria-activedescendant={ac.open ? `${ac.listId}-${ac.active}` : undefined}
                    aria-describedby={inFence ? `${ac.listId}-fence` : undefined}
                    style={{height: `${Math.min(10, Math.max(1, text.split('\n').length)) * 1.4 + 1}em`}}
                    onInput={(e) => {
                        const box = e.currentTarget as HTMLTextAreaElement;
                        touched.current = true;
                        setText(box.value);
                        caretMoved(box);
                        const now = Date.now();
                        if (now - lastTyping.current > TYPING_EVERY_MS) {
                            lastTyping.current = now;
                            socket.userTyping(channelId, rootId);
                        }
                    }}
                    onClick={(e) => caretMoved(e.currentTarget as HTMLTextAreaElement)}
                    onKeyUp={(e) => {
                        if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) {
                            caretMoved(e.currentTarget as HTMLTextAreaElement);
                        }
                    }}
                    onBlur={() => ac.close()}
                    onPaste={(e) => {
                        const pasted = Array.from(e.clipboardData?.files || []);
                        if (pasted.length) {
                            // Pasted files (a screenshot, say) upload; pasted text stays text.
                            e.preventDefault();
                            void upload(pasted);
                        }
                    }}
                    onKeyDown={(e) => {
                        if (ac.onKey(e)) {
                            return;
                        }
                        const box = e.currentTarget as HTMLTextAreaElement;
                        if (e.key === 'Enter' && !e.isComposing && !e.altKey) {
                            if (e.ctrlKey || e.metaKey) {
                                e.preventDefault();
                                void send();
                            } else if (!e.shiftKey && !insideCodeFence(box.value.slice(0, box.selectionStart))) {
                                // Inside an open ``` block Enter is a new line: the block goes whole.
                                e.preventDefault();
                                void send();
                            }
                        } else if (e.key === 'ArrowUp' && !e.altKey && !text) {
                            e.preventDefault();
                            editLast();
                        }
                    }} />
                <button class="send primary" onClick={() => void send()} aria-label="Send">Send</button>
            </div>
            {inFence && <div class="hint-line" id={`${ac.listId}-fence`} data-testid="fence-hint">In a code block: Enter adds a line, Ctrl+Enter sends</div>}
        </div>
    );
}

/** Files dropped anywhere on the channel (or the thread panel) this composer writes to. */
function useFileDrop(area: {current: HTMLTextAreaElement | null}, upload: (files: File[]) => Promise<void>): void {
    const latest = useRef(upload);
    latest.current = upload;
    useEffect(() => {
        const zone = area.current?.closest<HTMLElement>('.channel, .rhs');
        if (!zone) {
            return;
        }
        let depth = 0;
        const carriesFiles = (e: DragEvent) => Boolean(e.dataTransfer?.types.includes('Files'));
        const onEnter = (e: DragEvent) => {
            if (carriesFiles(e)) {
                depth++;
                zone.classList.add('dragging');
            }
        };
        const onLeave = (e: DragEvent) => {
            if (carriesFiles(e) && --depth <= 0) {
                depth = 0;
                zone.classList.remove('dragging');
            }
        };
        const onOver = (e: DragEvent) => {
            if (carriesFiles(e)) {
                e.preventDefault(); // allows the drop
            }
        };
        const onDrop = (e: DragEvent) => {
            depth = 0;
            zone.classList.remove('dragging');
            const dropped = Array.from(e.dataTransfer?.files || []);
            if (dropped.length) {
                e.preventDefault();
                void latest.current(dropped);
            }
        };
        zone.addEventListener('dragenter', onEnter);
        zone.addEventListener('dragleave', onLeave);
        zone.addEventListener('dragover', onOver);
        zone.addEventListener('drop', onDrop);
        return () => {
            zone.removeEventListener('dragenter', onEnter);
            zone.removeEventListener('dragleave', onLeave);
            zone.removeEventListener('dragover', onOver);
            zone.removeEventListener('drop', onDrop);
        };
    }, []);
}
