import { useState } from 'preact/hooks';
import { getDownload } from '../../../shared/api/delivery';
import { ApiError } from '../api/client';
import { useApp } from '../app/context';
import { Spinner } from '../ui/Spinner';
import { archiveLabel } from './gallery';

/**
 * "Download all (ZIP, 12 MB)": asks the API for a fresh signed link to the
 * order's ZIP, then sends the browser to it (the archive is served as an
 * attachment, so the page stays).
 */
export function DownloadAll({ orderId, archive, quiet = false }: { orderId: string; archive?: { readonly size: number }; quiet?: boolean }) {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const link = await app.api.call(getDownload, { params: { orderId } });
      window.location.assign(link.url);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The download could not be started. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="gal-download-all">
      <button type="button" class={`button ${quiet ? 'button-quiet' : 'button-primary'}`} data-testid="download-all" disabled={busy} onClick={() => void download()}>
        {busy ? <Spinner /> : <DownloadIcon />}
        {archiveLabel(archive)}
      </button>
      {error && (
        <p class="notice notice-danger" role="alert" data-testid="download-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function DownloadIcon() {
  return (
    <svg class="gal-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d="M10 3v9m0 0-3.5-3.5M10 12l3.5-3.5M4 15.5h12" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
