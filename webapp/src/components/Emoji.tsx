import {EMOJI, customEmojiUrl} from '../emoji';
import {useSelector, type State} from '../store';

const customOf = (s: State) => s.customEmoji;

/** An emoji by name: the character, a custom emoji's image, or the name as typed. */
export function Emoji({name}: {name: string}) {
    const custom = useSelector(customOf)[name];
    if (EMOJI[name]) {
        return <>{EMOJI[name]}</>;
    }
    if (custom) {
        return <img class="emoji custom" src={customEmojiUrl(custom.id)} alt={`:${name}:`} width={18} height={18} />;
    }
    return <>{`:${name}:`}</>;
}
