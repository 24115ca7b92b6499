// The emoji the picker offers and shortcodes render, by Mattermost's names for them.
export const EMOJI: Record<string, string> = {
    '+1': '👍', thumbsup: '👍', '-1': '👎', thumbsdown: '👎', smile: '😄', smiley: '😃', grinning: '😀',
    grin: '😁', laughing: '😆', joy: '😂', rofl: '🤣', sweat_smile: '😅', wink: '😉', blush: '😊',
    slightly_smiling_face: '🙂', upside_down_face: '🙃', heart_eyes: '😍', kissing_heart: '😘',
    yum: '😋', stuck_out_tongue: '😛', sunglasses: '😎', nerd_face: '🤓', thinking: '🤔', thinking_face: '🤔',
    neutral_face: '😐', expressionless: '😑', unamused: '😒', roll_eyes: '🙄', grimacing: '😬',
    relieved: '😌', pensive: '😔', sleepy: '😪', sleeping: '😴', mask: '😷', confused: '😕',
    worried: '😟', slightly_frowning_face: '🙁', open_mouth: '😮', astonished: '😲', flushed: '😳',
    cry: '😢', sob: '😭', scream: '😱', angry: '😠', rage: '😡', skull: '💀', poop: '💩',
    clown_face: '🤡', ghost: '👻', alien: '👽', robot: '🤖', see_no_evil: '🙈', wave: '👋',
    raised_hand: '✋', ok_hand: '👌', v: '✌️', crossed_fingers: '🤞', point_up: '☝️', point_right: '👉',
    point_left: '👈', clap: '👏', raised_hands: '🙌', pray: '🙏', muscle: '💪', handshake: '🤝',
    eyes: '👀', brain: '🧠', heart: '❤️', orange_heart: '🧡', yellow_heart: '💛', green_heart: '💚',
    blue_heart: '💙', purple_heart: '💜', broken_heart: '💔', sparkling_heart: '💖', '100': '💯',
    boom: '💥', fire: '🔥', sparkles: '✨', star: '⭐', star2: '🌟', zap: '⚡', tada: '🎉', confetti_ball: '🎊',
    balloon: '🎈', gift: '🎁', trophy: '🏆', medal: '🏅', rocket: '🚀', airplane: '✈️', coffee: '☕',
    tea: '🍵', beer: '🍺', beers: '🍻', wine_glass: '🍷', pizza: '🍕', hamburger: '🍔', taco: '🌮',
    cake: '🍰', birthday: '🎂', cookie: '🍪', apple: '🍎', sunny: '☀️', cloud: '☁️', umbrella: '☔',
    snowflake: '❄️', rainbow: '🌈', earth_americas: '🌎', dog: '🐶', cat: '🐱', unicorn: '🦄',
    bird: '🐦', bug: '🐛', bee: '🐝', penguin: '🐧', turtle: '🐢', white_check_mark: '✅',
    heavy_check_mark: '✔️', ballot_box_with_check: '☑️', x: '❌', no_entry: '⛔', warning: '⚠️',
    exclamation: '❗', question: '❓', bulb: '💡', memo: '📝', pencil: '✏️', book: '📖', books: '📚',
    calendar: '📅', pushpin: '📌', paperclip: '📎', lock: '🔒', key: '🔑', hammer: '🔨', wrench: '🔧',
    gear: '⚙️', link: '🔗', mag: '🔍', bell: '🔔', loudspeaker: '📢', speech_balloon: '💬', email: '📧',
    computer: '💻', iphone: '📱', chart_with_upwards_trend: '📈', moneybag: '💰', hourglass: '⌛',
    alarm_clock: '⏰', stopwatch: '⏱️', construction: '🚧', checkered_flag: '🏁', triangular_flag_on_post: '🚩',
    arrow_up: '⬆️', arrow_down: '⬇️', arrow_right: '➡️', arrow_left: '⬅️', repeat: '🔁', new: '🆕',
    free: '🆓', ok: '🆗', cool: '🆒', sos: '🆘', zzz: '💤', shipit: '🐿️', party_parrot: '🦜',
};

/** The picker's order: the most used first, no duplicate aliases. */
export const PICKER = [
    '+1', '-1', 'heart', 'joy', 'smile', 'tada', 'eyes', 'fire', 'rocket', 'white_check_mark', 'pray',
    'clap', 'raised_hands', '100', 'thinking', 'wave', 'ok_hand', 'muscle', 'sob', 'scream', 'laughing',
    'wink', 'blush', 'sunglasses', 'heart_eyes', 'slightly_smiling_face', 'upside_down_face', 'confused',
    'neutral_face', 'roll_eyes', 'grimacing', 'cry', 'angry', 'skull', 'see_no_evil', 'sparkles', 'star',
    'zap', 'boom', 'bulb', 'warning', 'x', 'question', 'exclamation', 'memo', 'bug', 'coffee', 'beer',
    'pizza', 'cake', 'gift', 'trophy', 'checkered_flag', 'construction', 'hourglass', 'lock', 'link',
    'pushpin', 'speech_balloon', 'computer', 'chart_with_upwards_trend', 'sunny', 'rainbow', 'dog',
    'cat', 'unicorn', 'penguin', 'robot', 'ghost', 'poop', 'broken_heart', 'green_heart', 'blue_heart',
];

export function emojiFor(name: string): string {
    return EMOJI[name] || `:${name}:`;
}

/** Custom emoji image ids by name, for the markdown renderer (which caches its output:
 * customVersion tells it when what it rendered may have changed). */
export const customEmojiIds: Record<string, string> = {};
export let customVersion = 0;

export function noteCustomEmoji(list: Array<{id: string; name: string}>): void {
    for (const emoji of list) {
        customEmojiIds[emoji.name] = emoji.id;
    }
    customVersion++;
}

export function customEmojiUrl(id: string): string {
    return `/api/v4/emoji/${id}/image`;
}
