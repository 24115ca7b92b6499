import type {RefObject} from 'preact';
import {useEffect} from 'preact/hooks';

/** Call onOutside when a mouse press lands outside the element (while active). */
export function useOutsideClick(box: RefObject<HTMLElement>, onOutside: () => void, active: boolean): void {
    useEffect(() => {
        if (!active) {
            return;
        }
        const outside = (event: MouseEvent) => {
            if (box.current && !box.current.contains(event.target as Node)) {
                onOutside();
            }
        };
        document.addEventListener('mousedown', outside);
        return () => document.removeEventListener('mousedown', outside);
    }, [active, onOutside]);
}
