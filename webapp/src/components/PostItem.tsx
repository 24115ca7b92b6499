import type {Post} from '@mattermost/types/posts';
import type {UserProfile} from '@mattermost/types/users';
import {Component} from 'preact';
import {useCallback, useRef, useState} from 'preact/hooks';
import {errorText} from '../client';
import {EPHEMERAL_TYPE} from '../commands';
import {customStatusOf} from '../customStatus';
import {renderMarkdown} from '../markdown';
import {markPostUnread} from '../postUnread';
import {deletePost, editPost, toggleReaction} from '../posts';
import {setSaved} from '../saved';
import {setState, useSelector, type Presence, type State} from '../store';
import {openThread} from '../threads';
import {confirmAction} from '../ui';
import {PostExtras} from './Attachments';
import {Emoji} from './Emoji';
import {EmojiPicker} from './EmojiPicker';
import {useOutsideClick} from './outside';
import {Files} from './Files';
import {StatusDot} from './StatusDot';
import {SystemMessage, isSystemPost} from './SystemMessage';
import {clock} from './time';

type Props = {
    post: Post;
    continued: boolean;
    author: UserProfile | undefined;
    meId: string;
    editing: boolean;
    /** The author's presence. */
    status?: Presence;
    /** Shown inside the thread panel: no reply link. */
    inThread?: boolean;
};

/** Re-renders only when its own post, author or edit state changes. */
export class PostItem extends Component<Props> {
    shouldComponentUpdate(next: Props): boolean {
        const p = this.props;
        return next.post !== p.post || next.author !== p.author || next.editing !== p.editing || next.continued !== p.continued || next.meId !== p.meId || next.status !== p.status;
    }

    render() {
        return isSystemPost(this.props.post) ? <SystemMessage post={this.props.post} /> : <PostView {...this.props} />;
    }
}

const fail = (err: unknown) => setState({error: errorText(err)});
const savedOf = (s: State) => s.saved;
const customEmojiOf = (s: State) => s.customEmoji;

function PostView({post, continued, author, meId, editing, status, inThread}: Props) {
    const [picking, setPicking] = useState(false);
    // An ephemeral answer (a command's, an integration's) is the server's, to me alone.
    const ephemeral = post.type === EPHEMERAL_TYPE;
    const mine = post.user_id === meId && !ephemeral;
    const overrideName = post.props?.override_username;
    const override = post.props?.from_webhook === 'true' && typeof overrideName === 'string' ? overrideName : '';
    const name = ephemeral ? 'System' : override || author?.username || '…';
    continued = continued && !ephemeral;
    const saved = Boolean(useSelector(savedOf)[post.id]);
    // An archived channel's posts are read only: no reactions, edits or deletes to offer.
    const archived = useSelector(useCallback((s: State) => Boolean(s.channels[post.channel_id]?.delete_at), [post.channel_id]));
    const custom = customStatusOf(author);
    return (
        <article class={`post ${continued ? 'continued' : ''}`} data-post-id={post.id} data-testid="post">
            <div class="gutter">
                {continued ? <time class="hover-time">{clock(post.create_at)}</time> : (
                    <span class="avatar-wrap">
                        <img class="avatar" alt="" loading="lazy" width={32} height={32}
                            src={`/api/v4/users/${post.user_id}/image?_=${author?.last_picture_update || 0}`} />
                        <StatusDot status={status} />
                    </span>
                )}
            </div>
            <div class="body">
                {saved && <div class="saved-label small" data-testid="saved-label">🔖 Saved</div>}
                {!continued && (
                    <header>
                        <strong class="author">{name}</strong>
                        {custom && <span class="custom-status" title={custom.text} data-testid="custom-status"><Emoji name={custom.emoji} /></span>}
                        <time dateTime={new Date(post.create_at).toISOString()}>{clock(post.create_at)}</time>
                        {ephemeral && <span class="ephemeral-label">(Only visible to you)</span>}
                    </header>
                )}
                {editing ? <EditBox post={post} /> : (
                    <Message text={post.message} />
                )}
                {post.edit_at > 0 && !editing && <span class="edited">(edited)</span>}
                <PostExtras post={post} />
                <Files files={post.metadata?.files || []} />
                <Reactions post={post} meId={meId} onAdd={() => setPicking(true)} />
                {!inThread && !post.root_id && (post.reply_count || 0) > 0 && (
                    <button class="replies" onClick={() => void openThread(post.id).catch(fail)}>
                        {post.reply_count} {post.reply_count === 1 ? 'reply' : 'replies'}
                    </button>
                )}
            </div>
            {!ephemeral && <div class="actions">
                {!archived && <button title="Add reaction" aria-label="Add reaction" onClick={() => setPicking(!picking)}>☺</button>}
                {!inThread && <button title="Reply" aria-label="Reply" onClick={() => void openThread(post.root_id || post.id).catch(fail)}>↩</button>}
                {mine && !archived && <button title="Edit" aria-label="Edit" onClick={() => setState({editing: post.id})}>✎</button>}
                {mine && !archived && <button title="Delete" aria-label="Delete" onClick={() => {
                    void confirmAction('Delete this message? This cannot be undone.').then((ok) => (ok ? deletePost(post) : undefined)).catch(fail);
                }}>✕</button>}
                <PostMenu post={post} saved={saved} />
            </div>}
            {picking && <EmojiPicker onPick={(emoji) => {
                setPicking(false);
                void toggleReaction(post, emoji).catch(fail);
            }} onClose={() => setPicking(false)} />}
        </article>
    );
}

function EditBox({post}: {post: Post}) {
    const [text, setText] = useState(post.message);
    const save = async () => {
        const message = text.trim();
        setState({editing: ''});
        if (message && message !== post.message) {
            await editPost(post, message).catch(fail);
        }
    };
    return (
        <div class="edit-box">
            <textarea aria-label="Edit message" value={text} rows={Math.min(8, text.split('\n').length + 1)}
                ref={(el) => {
                    if (el && !el.dataset.focused) {
                        el.dataset.focused = '1';
                        el.focus();
                        el.setSelectionRange(text.length, text.length);
                    }
                }}
                onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
                onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.shiftKey) {
                        e.preventDefault();
                        void save();
                    } else if (e.key === 'Escape') {
                        setState({editing: ''});
                    }
                }} />
            <div class="hint">Enter to save, Escape to cancel</div>
        </div>
    );
}

function Reactions({post, meId, onAdd}: {post: Post; meId: string; onAdd: () => void}) {
    const reactions = post.metadata?.reactions || [];
    if (!reactions.length) {
        return null;
    }
    const byEmoji = new Map<string, string[]>();
    for (const r of reactions) {
        byEmoji.set(r.emoji_name, [...(byEmoji.get(r.emoji_name) || []), r.user_id]);
    }
    return (
        <div class="reactions">
            {[...byEmoji].map(([emoji, users]) => (
                <button key={emoji} class={`reaction ${users.includes(meId) ? 'mine' : ''}`} data-emoji={emoji} title={`:${emoji}:`}
                    onClick={() => void toggleReaction(post, emoji).catch(fail)}>
                    <Emoji name={emoji} /> <span class="count">{users.length}</span>
                </button>
            ))}
            <button class="reaction add" aria-label="Add reaction" onClick={onAdd}>+</button>
        </div>
    );
}

/** The message, re-rendered when custom emoji arrive (its :names: may be among them). */
function Message({text}: {text: string}) {
    useSelector(customEmojiOf);
    // dir="auto": a message in Arabic or Hebrew reads right to left, whatever the page's.
    return <div class="message" dir="auto" data-testid="message" dangerouslySetInnerHTML={{__html: renderMarkdown(text)}} />;
}

/** A post's ⋯: save or unsave it, mark the channel unread from it. */
function PostMenu({post, saved}: {post: Post; saved: boolean}) {
    const [open, setOpen] = useState(false);
    const box = useRef<HTMLDivElement>(null);
    const close = useCallback(() => setOpen(false), []);
    useOutsideClick(box, close, open);
    const act = (action: () => Promise<void>) => () => {
        setOpen(false);
        void action().catch(fail);
    };
    return (
        <div class="post-menu" ref={box}>
            <button title="More actions" aria-label="More actions" aria-expanded={open} onClick={() => setOpen(!open)}>⋯</button>
            {open && (
                <ul class="menu-list" role="menu">
                    <li><button role="menuitem" onClick={act(() => setSaved(post.id, !saved))}>{saved ? 'Unsave' : 'Save'}</button></li>
                    <li><button role="menuitem" onClick={act(() => markPostUnread(post))}>Mark as unread</button></li>
                </ul>
            )}
        </div>
    );
}
