import {useRef, useState} from 'preact/hooks';
import {EMOJI, PICKER} from '../emoji';
import {setState, useSelector, type State} from '../store';
import {Emoji} from './Emoji';
import {useOutsideClick} from './outside';

const customOf = (s: State) => s.customEmoji;

export function EmojiPicker({onPick, onClose}: {onPick: (name: string) => void; onClose: () => void}) {
    const [filter, setFilter] = useState('');
    const box = useRef<HTMLDivElement>(null);
    useOutsideClick(box, onClose, true);
    const custom = Object.keys(useSelector(customOf)).sort();
    const needle = filter.toLowerCase();
    const names = filter ? [...Object.keys(EMOJI), ...custom].filter((n) => n.includes(needle)) : [...PICKER, ...custom];
    return (
        <div class="emoji-picker" ref={box} role="dialog" aria-label="Emoji picker">
            <input placeholder="Search emoji" value={filter} autoFocus
                onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)}
                onKeyDown={(e) => {
                    if (e.key === 'Escape') {
                        onClose();
                    } else if (e.key === 'Enter' && names.length) {
                        onPick(names[0]);
                    }
                }} />
            <div class="grid">
                {names.slice(0, 240).map((name) => (
                    <button key={name} title={`:${name}:`} data-emoji={name} onClick={() => onPick(name)}><Emoji name={name} /></button>
                ))}
            </div>
            <button class="link custom-emoji" onClick={() => { onClose(); setState({overlay: 'emoji-upload'}); }}>Add custom emoji</button>
        </div>
    );
}
