import {answerConfirm, useUi} from '../ui';
import {useFocusOnMount} from './focus';
import './account.css';

/** The in-page question before a delete or an archive (instead of the browser's
 * blocking confirm box): Cancel has the focus, Escape cancels. */
export function ConfirmDialog() {
    const {confirm} = useUi();
    if (!confirm) {
        return null;
    }
    return <Question key={confirm.text} text={confirm.text} action={confirm.action} />;
}

function Question({text, action}: {text: string; action: string}) {
    const cancel = useFocusOnMount<HTMLButtonElement>();
    return (
        <div class="overlay confirm-overlay" onMouseDown={(e) => e.target === e.currentTarget && answerConfirm(false)}
            onKeyDown={(e) => {
                if (e.key === 'Escape') {
                    // Only this question: an overlay under it stays open.
                    e.stopPropagation();
                    answerConfirm(false);
                }
            }}>
            <div class="dialog confirm" role="alertdialog" aria-modal="true" aria-label={action} aria-describedby="confirm-text">
                <p id="confirm-text">{text}</p>
                <div class="buttons">
                    <button ref={cancel} onClick={() => answerConfirm(false)}>Cancel</button>
                    <button class="danger" onClick={() => answerConfirm(true)}>{action}</button>
                </div>
            </div>
        </div>
    );
}
