import {useRef, useState} from 'preact/hooks';
import {EMOJI, PICKER} from '../emoji';
import {useOutsideClick} from './outside';

export function EmojiPicker({onPick, onClose}: {onPick: (name: string) => void; onClose: () => void}) {
    const [filter, setFilter] = useState('');
    const box = useRef<HTMLDivElement>(null);
    useOutsideClick(box, onClose, true);
    const names = filter ? Object.keys(EMOJI).filter((n) => n.includes(filter.toLowerCase())) : PICKER;
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
                {names.slice(0, 120).map((name) => (
                    <button key={name} title={`:${name}:`} data-emoji={name} onClick={() => onPick(name)}>{EMOJI[name]}</button>
                ))}
            </div>
        </div>
    );
}
