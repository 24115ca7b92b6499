// The console's calls. A Client4 of its own, so calls Client4 has no method for
// (Roost's /config/scopes, GET /logs with a level, POST /channels/{id}/move) go through
// the same request code (cookie session, CSRF header, Mattermost error objects).
import {Client4} from '@mattermost/client';

class ConsoleClient extends Client4 {
    call<T>(path: string, method = 'get', body?: unknown): Promise<T> {
        const options = body === undefined ? {method} : {method, body: JSON.stringify(body)};
        return this.doFetch<T>(`${this.getBaseRoute()}${path}`, options);
    }
}

export const api = new ConsoleClient();
api.setUrl(window.location.origin);
api.setIncludeCookies(true);

export type ConfigDoc = Record<string, Record<string, unknown>>;
export type Scope = {scope: 'tenant' | 'deployment'; live: boolean};
export type Scopes = Record<string, Record<string, Scope>>;
export type Fixed = Record<string, Record<string, boolean>>;
export type Row = {name: string; value: number};

export type Node = {
    id: string;
    version: string;
    schema_version: string;
    config_hash: string;
    address: string;
    hostname: string;
    start_at: number;
    uptime_seconds: number;
};

export type Ping = {
    status: string;
    database_status?: string;
    filestore_status?: string;
    redis_status?: string;
    database_replicas_status?: string;
};

export type PluginSetting = {
    key: string;
    display_name: string;
    type: string;
    help_text: string;
    default: unknown;
    options: {display_name: string; value: string}[] | null;
};

export type PluginManifest = {
    id: string;
    name: string;
    description: string;
    version: string;
    settings_schema?: {header?: string; footer?: string; settings?: PluginSetting[]};
};

export type PluginStatus = {plugin_id: string; cluster_id: string; state: number; error?: string};

export const getConfig = () => api.call<ConfigDoc>('/config');
export const patchConfig = (patch: ConfigDoc) => api.call<ConfigDoc>('/config/patch', 'put', patch);
export const getEnvironment = () => api.call<Fixed>('/config/environment');
export const getScopes = () => api.call<Scopes>('/config/scopes');
export const getLogs = (level: string, perPage: number) =>
    api.call<string[]>(`/logs?logs_per_page=${perPage}${level ? `&level=${encodeURIComponent(level)}` : ''}`);
export const getAnalytics = (name: string) => api.call<Row[]>(`/analytics/old?name=${name}`);
export const getCluster = () => api.call<Node[]>('/cluster/status');
// use_rest_semantics: an unhealthy part is an answer to show, not an error.
export const getPing = () => api.call<Ping>('/system/ping?get_server_status=true&use_rest_semantics=true');
export const getPlugins = () => api.call<{active: PluginManifest[]; inactive: PluginManifest[]}>('/plugins');
export const moveChannel = (channelId: string, teamId: string, force: boolean) =>
    api.call<unknown>(`/channels/${channelId}/move`, 'post', {team_id: teamId, force});
export const getPluginStatuses = () => api.call<PluginStatus[]>('/plugins/statuses');
export const getPluginSettings = (id: string) => api.call<Record<string, unknown>>(`/plugins/${encodeURIComponent(id)}/settings`);
export const putPluginSettings = (id: string, values: Record<string, unknown>) =>
    api.call<Record<string, unknown>>(`/plugins/${encodeURIComponent(id)}/settings`, 'put', values);

export type Job = {
    id: string;
    type: string;
    create_at: number;
    start_at: number;
    last_activity_at: number;
    status: string;
    progress: number;
    data: Record<string, string>;
};

export const getJobs = (perPage: number) => api.call<Job[]>(`/jobs?page=0&per_page=${perPage}`);
export const createJob = (type: string) => api.call<Job>('/jobs', 'post', {type});
export const cancelJob = (id: string) => api.call<unknown>(`/jobs/${id}/cancel`, 'post');

// Data retention (Mattermost's /data_retention API): the global policy, read from the
// settings, and custom policies for chosen teams and channels.
export type GlobalRetention = {
    message_deletion_enabled: boolean;
    file_deletion_enabled: boolean;
    message_retention_cutoff: number;
    file_retention_cutoff: number;
};
export type RetentionPolicy = {id: string; display_name: string; post_duration: number; team_count: number; channel_count: number};
export type PolicyFields = {display_name: string; post_duration: number; team_ids?: string[]; channel_ids?: string[]};
export type MemberKind = 'teams' | 'channels';

const POLICIES = '/data_retention/policies';
export const getGlobalRetention = () => api.call<GlobalRetention>('/data_retention/policy');
export const getPolicies = () => api.call<{policies: RetentionPolicy[]; total_count: number}>(`${POLICIES}?page=0&per_page=200`);
export const createPolicy = (fields: PolicyFields) => api.call<RetentionPolicy>(POLICIES, 'post', fields);
// A patch's team_ids and channel_ids are added to the policy (removing is its own call).
export const patchPolicy = (id: string, fields: PolicyFields) => api.call<RetentionPolicy>(`${POLICIES}/${id}`, 'PATCH', fields);
export const deletePolicy = (id: string) => api.call<unknown>(`${POLICIES}/${id}`, 'delete');
export const getPolicyMembers = (id: string, kind: MemberKind) => api.call<{id: string}[]>(`${POLICIES}/${id}/${kind}?page=0&per_page=200`);
export const removePolicyMembers = (id: string, kind: MemberKind, ids: string[]) => api.call<unknown>(`${POLICIES}/${id}/${kind}`, 'delete', ids);
