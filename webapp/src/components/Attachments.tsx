// What a post carries besides its message: message attachments from webhooks, bots and
// commands (pretext, author, title, text, fields, colour bar, images, footer), their
// buttons and menus (interactive messages: POST /posts/{id}/actions/{action_id}), and
// the vote buttons of the bundled polls.
import type {MessageAttachment, MessageAttachmentField} from '@mattermost/types/message_attachments';
import type {PostAction} from '@mattermost/types/integration_actions';
import type {Post} from '@mattermost/types/posts';
import {useState} from 'preact/hooks';
import {client, errorText} from '../client';
import {followLocation} from '../commands';
import {renderMarkdown} from '../markdown';
import {getState} from '../store';
import './attachments.css';

/** At most this many attachments, fields and actions are shown from one post. */
export const MAX_ATTACHMENTS = 20;
export const MAX_FIELDS = 40;
export const MAX_ACTIONS = 25;

/** Slack's named colours, as Mattermost draws them. */
const NAMED_COLORS: Record<string, string> = {good: '#00c100', warning: '#dede01', danger: '#e40303'};
const HEX_COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
const LINK = /^(https?:\/\/|\/)/i;
const POLLS_PLUGIN = 'roost.polls';

export function barColor(color: string | undefined): string {
    const value = (color || '').trim();
    if (NAMED_COLORS[value]) {
        return NAMED_COLORS[value];
    }
    return HEX_COLOR.test(value) ? value : '';
}

const linkOf = (url: string | undefined) => (url && LINK.test(url.trim()) ? url.trim() : '');

/** Images load only from this server (its Content-Security-Policy allows no other):
 * any other image is offered as a link to open. */
function sameOrigin(url: string): boolean {
    try {
        return new URL(url, window.location.origin).origin === window.location.origin;
    } catch {
        return false;
    }
}

function Markdown({text, class: cls}: {text: string; class: string}) {
    return <div class={cls} dangerouslySetInnerHTML={{__html: renderMarkdown(text)}} />;
}

function Picture({url, alt, cls}: {url: string | undefined; alt: string; cls: string}) {
    const href = linkOf(url);
    if (!href) {
        return null;
    }
    if (sameOrigin(href)) {
        return <img class={cls} src={href} alt={alt} loading="lazy" />;
    }
    return <a class={`${cls} image-link`} href={href} target="_blank" rel="noopener noreferrer">🖼 {alt || 'Image'}</a>;
}

function attachmentsOf(post: Post): MessageAttachment[] {
    const list = post.props?.attachments;
    return Array.isArray(list) ? (list.filter((a) => a && typeof a === 'object') as MessageAttachment[]).slice(0, MAX_ATTACHMENTS) : [];
}

/** A post's attachments and poll, or nothing. */
export function PostExtras({post}: {post: Post}) {
    const attachments = attachmentsOf(post);
    const pollProp = post.props?.poll_id;
    const pollId = typeof pollProp === 'string' ? pollProp : '';
    if (!attachments.length && !pollId) {
        return null;
    }
    return (
        <>
            {attachments.map((a, i) => <Attachment key={i} post={post} attachment={a} />)}
            {pollId && <PollVote post={post} pollId={pollId} />}
        </>
    );
}

function Attachment({post, attachment: a}: {post: Post; attachment: MessageAttachment}) {
    const color = barColor(a.color);
    const title = a.title ? (linkOf(a.title_link)
        ? <a href={linkOf(a.title_link)} target="_blank" rel="noopener noreferrer">{a.title}</a>
        : a.title) : null;
    const fields = (a.fields || []).filter((f) => f && (f.title || f.value !== undefined)).slice(0, MAX_FIELDS);
    const actions = (a.actions || []).filter((x) => x && x.id).slice(0, MAX_ACTIONS);
    const text = a.text || (!a.title && !a.pretext && !fields.length ? a.fallback || '' : '');
    return (
        <div class="attachment" data-testid="attachment">
            {a.pretext && <Markdown class="attachment-pretext" text={a.pretext} />}
            <div class="attachment-body" style={color ? {borderLeftColor: color} : undefined} data-color={color || undefined}>
                <div class="attachment-main">
                    <div class="attachment-content">
                        {a.author_name && (
                            <div class="attachment-author">
                                <Picture url={a.author_icon} alt="" cls="attachment-author-icon" />
                                {linkOf(a.author_link)
                                    ? <a href={linkOf(a.author_link)} target="_blank" rel="noopener noreferrer">{a.author_name}</a>
                                    : <span>{a.author_name}</span>}
                            </div>
                        )}
                        {title && <h4 class="attachment-title">{title}</h4>}
                        {text && <Markdown class="attachment-text message" text={text} />}
                    </div>
                    <Picture url={a.thumb_url} alt="Thumbnail" cls="attachment-thumb" />
                </div>
                {fields.length > 0 && <Fields fields={fields} />}
                <Picture url={a.image_url} alt={a.title || 'Image'} cls="attachment-image" />
                {actions.length > 0 && <Actions post={post} actions={actions} />}
                {a.footer && (
                    <div class="attachment-footer">
                        <Picture url={a.footer_icon} alt="" cls="attachment-footer-icon" />
                        <span>{a.footer}</span>
                    </div>
                )}
            </div>
        </div>
    );
}

/** Short fields sit two to a row, long ones take a row of their own (Mattermost's layout). */
function Fields({fields}: {fields: MessageAttachmentField[]}) {
    const rows: MessageAttachmentField[][] = [];
    for (const field of fields) {
        const last = rows[rows.length - 1];
        if (field.short && last && last.length === 1 && last[0].short) {
            last.push(field);
        } else {
            rows.push([field]);
        }
    }
    return (
        <div class="attachment-fields">
            {rows.map((row, i) => (
                <div class="attachment-field-row" key={i}>
                    {row.map((f, j) => (
                        <div class={`attachment-field ${f.short ? 'short' : 'long'}`} key={j} data-testid="attachment-field">
                            {f.title && <div class="attachment-field-title">{f.title}</div>}
                            <Markdown class="attachment-field-value message" text={f.value === undefined || f.value === null ? '' : String(f.value)} />
                        </div>
                    ))}
                </div>
            ))}
        </div>
    );
}

const BUTTON_STYLES = new Set(['primary', 'good', 'success', 'warning', 'danger', 'default']);

function Actions({post, actions}: {post: Post; actions: PostAction[]}) {
    const [busy, setBusy] = useState('');
    const [error, setError] = useState('');
    const act = async (action: PostAction, selected = '') => {
        setBusy(action.id || '');
        setError('');
        try {
            const answer = await client.doPostAction(post.id, action.id || '', selected) as unknown as {goto_location?: string};
            followLocation(answer.goto_location || '');
        } catch (err) {
            setError(errorText(err));
        } finally {
            setBusy('');
        }
    };
    return (
        <div class="attachment-actions">
            {actions.map((action) => action.type === 'select'
                ? <ActionMenu key={action.id} action={action} disabled={Boolean(action.disabled || busy)} onPick={(value) => void act(action, value)} />
                : (
                    <button key={action.id} type="button" title={action.tooltip || undefined}
                        class={`action-button ${BUTTON_STYLES.has(action.style || '') ? action.style : 'default'}`}
                        disabled={Boolean(action.disabled) || busy === action.id}
                        onClick={() => void act(action)}>
                        {action.name}
                    </button>
                ))}
            {error && <div class="error small" role="alert">{error}</div>}
        </div>
    );
}

function menuOptions(action: PostAction): Array<{text: string; value: string}> {
    const s = getState();
    if (action.data_source === 'users') {
        return Object.values(s.users).filter((u) => !u.delete_at).sort((a, b) => a.username.localeCompare(b.username))
            .map((u) => ({text: `@${u.username}`, value: u.id}));
    }
    if (action.data_source === 'channels') {
        return Object.values(s.channels).filter((c) => (c.type === 'O' || c.type === 'P') && c.team_id === s.teamId)
            .sort((a, b) => a.display_name.localeCompare(b.display_name))
            .map((c) => ({text: c.display_name, value: c.id}));
    }
    return (action.options || []).filter((o) => o && typeof o.value === 'string');
}

function ActionMenu({action, disabled, onPick}: {action: PostAction; disabled: boolean; onPick: (value: string) => void}) {
    const options = menuOptions(action);
    const chosen = options.some((o) => o.value === action.default_option) ? action.default_option : '';
    return (
        <select class="action-menu" aria-label={action.name} title={action.tooltip || undefined} disabled={disabled}
            value={chosen}
            onChange={(e) => {
                const value = (e.currentTarget as HTMLSelectElement).value;
                if (value) {
                    onPick(value);
                }
            }}>
            <option value="" disabled>{action.name}</option>
            {options.map((o) => <option key={o.value} value={o.value}>{o.text}</option>)}
        </select>
    );
}

/** The options of a poll, read from the post the plugin keeps up to date
 * ("- Option: **n**" lines). */
export function pollOptions(message: string): string[] {
    return message.split('\n').map((line) => /^- (.*): \*\*\d+\*\*$/.exec(line)).filter(Boolean).map((m) => (m as RegExpExecArray)[1]);
}

function PollVote({post, pollId}: {post: Post; pollId: string}) {
    const [error, setError] = useState('');
    const [voted, setVoted] = useState(-1);
    const options = pollOptions(post.message);
    if (!options.length) {
        return null;
    }
    const vote = async (option: number) => {
        setError('');
        try {
            // Plugins serve their own routes outside /api/v4, as in Mattermost.
            const url = `${client.getUrl()}/plugins/${POLLS_PLUGIN}/api/v1/polls/${encodeURIComponent(pollId)}/vote`;
            const response = await fetch(url, client.getOptions({method: 'post', body: JSON.stringify({option})}));
            if (!response.ok) {
                const body = await response.json().catch(() => ({})) as {error?: string; message?: string};
                throw new Error(body.error || body.message || `The vote was refused (${response.status}).`);
            }
            setVoted(option);
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <div class="poll-vote" role="group" aria-label="Vote">
            {options.map((option, i) => (
                <button key={i} type="button" class={`action-button ${voted === i ? 'primary' : 'default'}`} aria-pressed={voted === i}
                    onClick={() => void vote(i)}>{option}</button>
            ))}
            {error && <div class="error small" role="alert">{error}</div>}
        </div>
    );
}
