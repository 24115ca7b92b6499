// Messages as Mattermost users write them, rendered safely: raw HTML in a message is
// shown as text, the output is sanitised by DOMPurify, and links open in a new tab.
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import {Marked, type Tokens} from 'marked';
import {EMOJI, customEmojiIds, customEmojiUrl, customVersion} from './emoji';

const LANGUAGES = {bash, css, go, javascript, json, python, sql, typescript, xml, yaml};
for (const [name, language] of Object.entries(LANGUAGES)) {
    hljs.registerLanguage(name, language);
}
hljs.registerAliases(['sh', 'shell'], {languageName: 'bash'});
hljs.registerAliases(['js', 'jsx'], {languageName: 'javascript'});
hljs.registerAliases(['ts', 'tsx'], {languageName: 'typescript'});
hljs.registerAliases(['py'], {languageName: 'python'});
hljs.registerAliases(['html'], {languageName: 'xml'});
hljs.registerAliases(['yml'], {languageName: 'yaml'});

const escapeHtml = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const SAFE_URL = /^(https?:|mailto:|\/|#)/i;

const marked = new Marked({
    gfm: true,
    breaks: true,
    // Raw HTML is never markup in a message: no HTML block or tag is recognised, so it
    // stays text (escaped when rendered) and the markdown around it still applies.
    tokenizer: {
        html: () => undefined,
        tag: () => undefined,
    },
    renderer: {
        html({text}: Tokens.HTML | Tokens.Tag) {
            return escapeHtml(text);
        },
        code({text, lang}: Tokens.Code) {
            const language = (lang || '').trim().split(/\s+/)[0].toLowerCase();
            const body = language && hljs.getLanguage(language)
                ? hljs.highlight(text, {language, ignoreIllegals: true}).value
                : escapeHtml(text);
            return `<pre class="code"><code class="hljs">${body}</code></pre>`;
        },
        // Images in messages become links: nothing loads from a URL a message names.
        image({href, text}: Tokens.Image) {
            if (!SAFE_URL.test(href)) {
                return escapeHtml(text);
            }
            return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
        },
        heading({tokens}: Tokens.Heading) {
            return `<p class="heading"><strong>${this.parser.parseInline(tokens)}</strong></p>`;
        },
    },
    extensions: [
        {
            name: 'mention',
            level: 'inline',
            start(src: string) {
                const match = /(^|[^\w@])@[a-z0-9]/i.exec(src);
                return match ? match.index + match[1].length : undefined;
            },
            tokenizer(src: string) {
                const match = /^@([a-z0-9][a-z0-9._-]*[a-z0-9_]|[a-z0-9])/i.exec(src);
                return match ? {type: 'mention', raw: match[0], name: match[1]} : undefined;
            },
            renderer: (token) => `<span class="mention" data-username="${escapeHtml(token.name)}">@${escapeHtml(token.name)}</span>`,
        },
        {
            name: 'emoji',
            level: 'inline',
            start: (src: string) => src.indexOf(':'),
            tokenizer(src: string) {
                const match = /^:([a-z0-9_+-]+):/.exec(src);
                if (match && (EMOJI[match[1]] || customEmojiIds[match[1]])) {
                    return {type: 'emoji', raw: match[0], name: match[1]};
                }
                return undefined;
            },
            renderer: (token) => {
                const title = `:${escapeHtml(token.name)}:`;
                if (EMOJI[token.name]) {
                    return `<span class="emoji" title="${title}">${EMOJI[token.name]}</span>`;
                }
                // A custom emoji: the one kind of image a message shows, from this server.
                return `<img class="emoji custom" src="${customEmojiUrl(customEmojiIds[token.name])}" alt="${title}" title="${title}">`;
            },
        },
    ],
});

const ALLOWED_TAGS = [
    'a', 'b', 'blockquote', 'br', 'code', 'del', 'em', 'hr', 'i', 'li', 'ol', 'p', 'pre', 's', 'span',
    'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul', 'input', 'img',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'data-username', 'start', 'align', 'type', 'checked', 'disabled', 'src', 'alt'];

/** The only images allowed: custom emoji served by this server. */
const EMOJI_IMAGE = /^\/api\/v4\/emoji\/[a-z0-9]{26}\/image$/;

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
        const href = node.getAttribute('href') || '';
        if (!SAFE_URL.test(href)) {
            node.removeAttribute('href');
        }
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
    }
    if (node.tagName === 'INPUT' && node.getAttribute('type') !== 'checkbox') {
        node.remove();
    }
    if (node.tagName === 'IMG' && !(node.getAttribute('class') === 'emoji custom' && EMOJI_IMAGE.test(node.getAttribute('src') || ''))) {
        node.remove();
    }
});

const cache = new Map<string, string>();
const CACHE_LIMIT = 2000;
/** The custom emoji known when the cache was filled. */
let cachedWith = 0;

// One line with none of markdown's marks, no URL and no HTML: most chat lines. It
// needs only escaping, which is far cheaper than parsing and sanitising.
const MARKS = /[*_`~[\]()<>#|:@\\!&=+\n]|www\.|^\s|^([-+*>]|\d+[.)])(\s|$)|[-=]{3}/;

function isPlain(message: string): boolean {
    return !MARKS.test(message);
}

/** Safe HTML for a message (cached: lists re-render often, messages rarely change). */
export function renderMarkdown(message: string): string {
    if (cachedWith !== customVersion) {
        cache.clear();
        cachedWith = customVersion;
    }
    const hit = cache.get(message);
    if (hit !== undefined) {
        return hit;
    }
    const safe = isPlain(message)
        ? `<p>${escapeHtml(message)}</p>`
        : DOMPurify.sanitize(marked.parse(message, {async: false}) as string, {ALLOWED_TAGS, ALLOWED_ATTR: [...ALLOWED_ATTR, 'target', 'rel']});
    if (cache.size >= CACHE_LIMIT) {
        cache.delete(cache.keys().next().value as string);
    }
    cache.set(message, safe);
    return safe;
}
