import type {FileInfo} from '@mattermost/types/files';

/** A post's attachments: images as thumbnails, anything else as a card to download. */
export function Files({files}: {files: FileInfo[]}) {
    if (!files.length) {
        return null;
    }
    return (
        <div class="files">
            {files.map((f) => (isImage(f) ? (
                <a key={f.id} href={`/api/v4/files/${f.id}/preview`} target="_blank" rel="noopener" class="image">
                    <img src={`/api/v4/files/${f.id}/thumbnail`} alt={f.name} loading="lazy" />
                </a>
            ) : <FileCard key={f.id} file={f} />))}
        </div>
    );
}

function isImage(f: FileInfo): boolean {
    return Boolean(f.has_preview_image || f.mime_type?.startsWith('image/'));
}

export function FileCard({file}: {file: FileInfo}) {
    const href = `/api/v4/files/${file.id}?download=1`;
    return (
        <div class="file-card" data-testid="file-card">
            <span class="file-kind" aria-hidden="true">{kind(file)}</span>
            <span class="file-text">
                <a class="file-name" href={href} download={file.name} title={file.name}>{file.name}</a>
                <span class="muted small">{fileSize(file.size)}{file.extension ? ` · ${file.extension.toUpperCase()}` : ''}</span>
            </span>
            <a class="file-download" href={href} download={file.name} aria-label={`Download ${file.name}`} title="Download">⤓</a>
        </div>
    );
}

function kind(file: FileInfo): string {
    const ext = (file.extension || file.name.split('.').pop() || '').toLowerCase();
    return (ext && ext !== file.name.toLowerCase() ? ext : 'file').slice(0, 4).toUpperCase();
}

export function fileSize(bytes: number): string {
    if (bytes < 1024) {
        return `${bytes} B`;
    }
    if (bytes < 1024 * 1024) {
        return `${(bytes / 1024).toFixed(1)} KB`;
    }
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
