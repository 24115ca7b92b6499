import {useEffect, useRef} from 'preact/hooks';

/** A ref whose element takes the focus when it mounts. (The autofocus attribute is
 * honoured once per page load, so a dialog opened later would not get it.) */
export function useFocusOnMount<T extends HTMLElement>() {
    const ref = useRef<T>(null);
    useEffect(() => {
        ref.current?.focus();
    }, []);
    return ref;
}
