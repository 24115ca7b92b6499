import {useState} from 'preact/hooks';
import {DisplaySection, PasswordSection, ProfileSection} from './AccountSettings';
import {NotificationSettings} from './NotificationSettings';
import {MfaSection, SessionsSection} from './SecuritySettings';

const TABS = [['profile', 'Profile'], ['security', 'Security'], ['notifications', 'Notifications'], ['display', 'Display']] as const;
type Tab = (typeof TABS)[number][0];

/** My account: profile and picture; password, sessions and MFA; notifications; display. */
export function Settings() {
    const [tab, setTab] = useState<Tab>('profile');
    return (
        <div class="settings" aria-label="Settings">
            <h3>Settings</h3>
            <div class="tabs" role="tablist" aria-label="Settings sections">
                {TABS.map(([id, label]) => (
                    <button key={id} role="tab" id={`settings-tab-${id}`} aria-selected={tab === id} aria-controls="settings-panel" onClick={() => setTab(id)}>{label}</button>
                ))}
            </div>
            <div class="tab-panel" role="tabpanel" id="settings-panel" aria-labelledby={`settings-tab-${tab}`}>
                {tab === 'profile' && <ProfileSection />}
                {tab === 'security' && (
                    <>
                        <PasswordSection />
                        <SessionsSection />
                        <MfaSection />
                    </>
                )}
                {tab === 'notifications' && <NotificationSettings />}
                {tab === 'display' && <DisplaySection />}
            </div>
        </div>
    );
}
