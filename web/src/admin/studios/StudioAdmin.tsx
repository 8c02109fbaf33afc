import { useEffect, useState } from 'preact/hooks';
import { completeStyleImage, createStudio, createStyleImageUpload, deleteStyleImage, getStudioAdmin, listStudios, putStyle, updateStudio } from '../../../../shared/api/studios';
import { BATCH_SIZE, DEFAULT_POSE_SET, POSE_SET_IDS, type PoseSetId, posesForStyle } from '../../../../shared/generation';
import {
  MAX_STYLE_IMAGE_BYTES,
  MAX_STYLE_IMAGES,
  slugify,
  STYLE_IMAGE_KINDS,
  STYLE_IMAGE_TYPES,
  studioInputSchema,
  styleInputSchema,
  type StudioInput,
  type StudioSummary,
  type StudioView,
  type StyleImageKind,
  type StyleInput,
  type StyleView,
} from '../../../../shared/studios';
import { ApiError, ErrorCodes } from '../../api/client';
import { usePagedList } from '../../api/usePagedList';
import { useApp } from '../../app/context';
import type { RouteProps } from '../../app/router';
import { formatBytes, sniffType } from '../../photos/checks';
import { postPresigned, UploadError } from '../../photos/upload';
import { Card } from '../../ui/Card';
import { EmptyState } from '../../ui/EmptyState';
import { formatDateTime } from '../../ui/format';
import { credits } from '../../ui/labels';
import { LoadMore } from '../../ui/LoadMore';
import { PageHeading } from '../../ui/PageHeading';
import { Loading, Spinner } from '../../ui/Spinner';

/*
 * The admin's studio console: the list with a form to create a studio, and
 * the editor of one studio (its fields, its styles, their sample and
 * reference images). Loaded on demand: customers never download it.
 */

const issuesOf = (error: { issues: readonly { message: string }[] }) => error.issues.map((issue) => issue.message).join(' ');

/** A 4xx the person can act on belongs beside the form; the rest goes to the banner. */
function formError(failure: unknown, app: ReturnType<typeof useApp>, setError: (message: string) => void) {
  if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500 && failure.status !== 401 && failure.status !== 403) setError(failure.message);
  else app.handleError(failure);
}

// ---------- The list ----------

export function StudioListPage() {
  const app = useApp();
  const list = usePagedList(
    async (page, signal) => {
      const answer = await app.api.call(listStudios, { query: { cursor: page.cursor }, signal });
      return { items: answer.studios, nextCursor: answer.nextCursor };
    },
    (studio: StudioSummary) => studio.studioId,
    [],
    app.handleError,
  );

  return (
    <div class="admin-page" data-testid="admin-studios">
      <div class="page-header">
        <PageHeading>Studios</PageHeading>
        <p class="muted">Curate the marketplace: each studio's credit, description and tags, its styles and their images.</p>
      </div>
      <div class="layout-detail">
        <Card class="card-studio-list" label="All studios">
          <div class="card-header">
            <h2>All studios</h2>
            <button type="button" class="button button-quiet button-small" disabled={list.loading} onClick={() => void list.reload()}>
              Refresh
            </button>
          </div>
          {list.items === undefined ? (
            list.failed ? <EmptyState title="Could not load the studios">Try Refresh in a moment.</EmptyState> : <Loading text="Loading the studios…" />
          ) : list.items.length === 0 ? (
            <EmptyState title="No studios yet">Create the first one with the form.</EmptyState>
          ) : (
            <ul class="order-list">
              {list.items.map((studio) => (
                <li key={studio.studioId}>
                  <a class="order-row" href={`#/admin/studios/${studio.studioId}`} data-testid={`admin-studio-${studio.studioId}`}>
                    <span class="order-row-main">
                      <strong>{studio.name}</strong>
                      <span class="muted">
                        by {studio.photographer.name} · {studio.styleCount === 1 ? '1 style' : `${studio.styleCount} styles`} · updated{' '}
                        <time dateTime={studio.updatedAt}>{formatDateTime(studio.updatedAt)}</time>
                      </span>
                    </span>
                    <span class="button button-quiet button-small" aria-hidden="true">
                      Edit
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          <LoadMore cursor={list.nextCursor} loading={list.loadingMore} onLoad={list.loadMore} testid="admin-studios-load-more" />
        </Card>
        <Card class="card-studio-create" label="New studio">
          <h2>New studio</h2>
          <StudioForm
            submitLabel="Create studio"
            testid="create-studio-form"
            onSubmit={async (input) => {
              const studio = await app.api.call(createStudio, { body: input });
              app.notify(`Studio “${studio.name}” created. Add its styles next.`);
              app.navigate(`/admin/studios/${studio.studioId}`);
            }}
          />
        </Card>
      </div>
    </div>
  );
}

// ---------- Studio fields ----------

const EMPTY_STUDIO: StudioInput = { name: '', photographer: { name: '', bio: '' }, description: '', tags: [] };

function StudioForm({ initial = EMPTY_STUDIO, submitLabel, testid, onSubmit }: { initial?: StudioInput; submitLabel: string; testid: string; onSubmit(input: StudioInput): Promise<void> }) {
  const app = useApp();
  const [name, setName] = useState(initial.name);
  const [photographer, setPhotographer] = useState(initial.photographer.name);
  const [bio, setBio] = useState(initial.photographer.bio);
  const [description, setDescription] = useState(initial.description);
  const [tags, setTags] = useState(initial.tags.join(', '));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = testid;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    const parsed = studioInputSchema.safeParse({
      name,
      photographer: { name: photographer, bio },
      description,
      tags: tags
        .split(',')
        .map((tag) => slugify(tag))
        .filter(Boolean),
    });
    if (!parsed.success) {
      setError(issuesOf(parsed.error));
      return;
    }
    setBusy(true);
    try {
      await onSubmit(parsed.data);
    } catch (failure) {
      formError(failure, app, setError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form noValidate onSubmit={submit} data-testid={testid}>
      <div class="field">
        <label for={`${id}-name`}>Name</label>
        <input id={`${id}-name`} type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="studio-name" />
        {initial === EMPTY_STUDIO && name && <span class="field-hint">ID: {slugify(name) || '—'}</span>}
      </div>
      <div class="field">
        <label for={`${id}-photographer`}>Photographer</label>
        <input id={`${id}-photographer`} type="text" value={photographer} onInput={(e) => setPhotographer(e.currentTarget.value)} data-testid="studio-photographer" />
      </div>
      <div class="field">
        <label for={`${id}-bio`}>Photographer's bio</label>
        <textarea id={`${id}-bio`} rows={3} value={bio} onInput={(e) => setBio(e.currentTarget.value)} data-testid="studio-bio" />
      </div>
      <div class="field">
        <label for={`${id}-description`}>Description</label>
        <textarea id={`${id}-description`} rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} data-testid="studio-description" />
      </div>
      <div class="field">
        <label for={`${id}-tags`}>
          Tags <span class="field-hint">comma-separated, e.g. corporate, outdoor</span>
        </label>
        <input id={`${id}-tags`} type="text" value={tags} onInput={(e) => setTags(e.currentTarget.value)} data-testid="studio-tags" />
      </div>
      {error && (
        <p class="form-error" role="alert" data-testid={`${testid}-error`}>
          {error}
        </p>
      )}
      <button type="submit" class="button button-primary" disabled={busy} aria-busy={busy || undefined} data-testid={`${testid}-submit`}>
        {busy && <Spinner />}
        {submitLabel}
      </button>
    </form>
  );
}

// ---------- The editor ----------

export function StudioEditorPage({ params }: RouteProps) {
  const app = useApp();
  const [studio, setStudio] = useState<StudioView>();
  const [missing, setMissing] = useState<string>();

  useEffect(() => {
    const controller = new AbortController();
    app.api.call(getStudioAdmin, { params: { studioId: params.studioId }, signal: controller.signal }).then(setStudio, (failure: unknown) => {
      if (controller.signal.aborted) return;
      if (failure instanceof ApiError && (failure.is(ErrorCodes.STUDIO_NOT_FOUND, 404) || failure.is(ErrorCodes.VALIDATION_FAILED, 400))) setMissing(failure.message);
      else app.handleError(failure);
    });
    return () => controller.abort();
  }, [params.studioId]);

  if (missing) {
    return (
      <Card class="card-narrow status-page" testid="studio-missing">
        <PageHeading>Studio not found</PageHeading>
        <p class="muted">{missing}</p>
        <a href="#/admin/studios" class="button button-quiet">
          All studios
        </a>
      </Card>
    );
  }
  if (!studio) return <Loading text="Loading the studio…" />;

  return (
    <div class="admin-page" data-testid="studio-editor" data-studio-id={studio.studioId}>
      <div class="page-header">
        <a href="#/admin/studios" class="back-link">
          ← Studios
        </a>
        <div class="page-title">
          <PageHeading>{studio.name}</PageHeading>
          <a href={`#/studios/${studio.studioId}`} class="button button-quiet button-small">
            View in the marketplace
          </a>
        </div>
        <p class="muted">
          ID <code>{studio.studioId}</code> · {studio.styles.length === 1 ? '1 style' : `${studio.styles.length} styles`}
        </p>
      </div>
      <div class="layout-detail">
        <div class="detail-main">
          <Card class="card-styles" label="Styles">
            <h2>Styles</h2>
            {studio.styles.length === 0 && <EmptyState title="No styles yet">Add the first one below; the studio appears in the marketplace once it has one.</EmptyState>}
            <ul class="style-editors">
              {studio.styles.map((style) => (
                <li key={style.styleId}>
                  <StyleEditor studioId={studio.studioId} style={style} onSaved={setStudio} />
                </li>
              ))}
            </ul>
          </Card>
          <Card class="card-new-style" label="New style">
            <h2>New style</h2>
            <StyleForm studioId={studio.studioId} onSaved={setStudio} existing={studio.styles.map((s) => s.styleId)} />
          </Card>
        </div>
        <Card class="card-studio-fields" label="Studio details">
          <h2>Studio details</h2>
          <StudioForm
            key={studio.updatedAt}
            initial={{ name: studio.name, photographer: studio.photographer, description: studio.description, tags: studio.tags }}
            submitLabel="Save studio"
            testid="edit-studio-form"
            onSubmit={async (input) => {
              setStudio(await app.api.call(updateStudio, { params: { studioId: studio.studioId }, body: input }));
              app.notify('Studio saved.');
            }}
          />
        </Card>
      </div>
    </div>
  );
}

const EMPTY_STYLE: StyleInput = { name: '', backdrop: '', wardrobe: '', lighting: '', prompt: '', priceCredits: 20 };

function StyleEditor({ studioId, style, onSaved }: { studioId: string; style: StyleView; onSaved(studio: StudioView): void }) {
  return (
    <article class="style-editor" data-testid={`style-editor-${style.styleId}`}>
      <div class="plan-title">
        <h3>{style.name}</h3>
        <span class="plan-count">
          <code>{style.styleId}</code> · {credits(style.priceCredits)}
        </span>
      </div>
      <StyleImages studioId={studioId} style={style} onSaved={onSaved} />
      <details class="prompt">
        <summary>Edit the style</summary>
        <StyleForm studioId={studioId} style={style} onSaved={onSaved} />
      </details>
    </article>
  );
}

/** `Classic · 4 poses: Front, Three-quarter left, …` — what a pose set makes, for the style editor. */
export function poseSetLabel(id: PoseSetId): string {
  const poses = posesForStyle({ poseSet: id });
  return `${id[0]!.toUpperCase()}${id.slice(1)} · ${poses.length} poses, ${poses.length * BATCH_SIZE} images: ${poses.map((pose) => pose.label).join(', ')}`;
}

function StyleForm({ studioId, style, existing = [], onSaved }: { studioId: string; style?: StyleView; existing?: readonly string[]; onSaved(studio: StudioView): void }) {
  const app = useApp();
  const initial: StyleInput = style ?? EMPTY_STYLE;
  const [values, setValues] = useState<Record<keyof StyleInput, string>>({
    name: initial.name,
    backdrop: initial.backdrop,
    wardrobe: initial.wardrobe,
    lighting: initial.lighting,
    prompt: initial.prompt,
    priceCredits: String(initial.priceCredits),
    poseSet: initial.poseSet ?? DEFAULT_POSE_SET,
  });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const prefix = `style-${style?.styleId ?? 'new'}`;
  const styleId = style?.styleId ?? slugify(values.name);
  const set = (field: keyof StyleInput) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement }) => setValues((current) => ({ ...current, [field]: e.currentTarget.value }));

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    const parsed = styleInputSchema.safeParse({ ...values, priceCredits: Number(values.priceCredits) });
    if (!parsed.success) {
      setError(issuesOf(parsed.error));
      return;
    }
    if (!styleId) {
      setError('Give the style a name with letters or digits: its ID is made from it.');
      return;
    }
    if (!style && existing.includes(styleId)) {
      setError(`This studio already has a style “${styleId}”; edit that one, or choose another name.`);
      return;
    }
    setBusy(true);
    try {
      onSaved(await app.api.call(putStyle, { params: { studioId, styleId }, body: parsed.data }));
      app.notify(style ? `Style “${parsed.data.name}” saved.` : `Style “${parsed.data.name}” added. Upload its sample images next.`);
      if (!style) setValues({ name: '', backdrop: '', wardrobe: '', lighting: '', prompt: '', priceCredits: String(EMPTY_STYLE.priceCredits), poseSet: DEFAULT_POSE_SET });
    } catch (failure) {
      formError(failure, app, setError);
    } finally {
      setBusy(false);
    }
  };

  const field = (name: keyof StyleInput, label: string, multiline = false) => (
    <div class="field">
      <label for={`${prefix}-${name}`}>{label}</label>
      {multiline ? (
        <textarea id={`${prefix}-${name}`} rows={3} value={values[name]} onInput={set(name)} data-testid={`${prefix}-${name}`} />
      ) : (
        <input id={`${prefix}-${name}`} type={name === 'priceCredits' ? 'number' : 'text'} min={name === 'priceCredits' ? 1 : undefined} value={values[name]} onInput={set(name)} data-testid={`${prefix}-${name}`} />
      )}
    </div>
  );

  return (
    <form noValidate onSubmit={submit} class="style-form" data-testid={`${prefix}-form`}>
      <div class="form-grid">
        {field('name', 'Name')}
        {field('priceCredits', 'Price (credits)')}
        {field('backdrop', 'Backdrop')}
        {field('wardrobe', 'Wardrobe')}
        {field('lighting', 'Lighting')}
        <div class="field">
          <label for={`${prefix}-poseSet`}>Poses</label>
          <select id={`${prefix}-poseSet`} value={values.poseSet} onChange={set('poseSet')} data-testid={`${prefix}-poseSet`}>
            {POSE_SET_IDS.map((id) => (
              <option key={id} value={id}>
                {poseSetLabel(id)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {field('prompt', 'Prompt for the generator', true)}
      {!style && values.name && <p class="field-hint">ID: {styleId || '—'}</p>}
      {error && (
        <p class="form-error" role="alert" data-testid={`${prefix}-error`}>
          {error}
        </p>
      )}
      <button type="submit" class="button button-primary button-small" disabled={busy} aria-busy={busy || undefined} data-testid={`${prefix}-submit`}>
        {busy && <Spinner />}
        {style ? 'Save style' : 'Add style'}
      </button>
    </form>
  );
}

function StyleImages({ studioId, style, onSaved }: { studioId: string; style: StyleView; onSaved(studio: StudioView): void }) {
  const app = useApp();
  const [kind, setKind] = useState<StyleImageKind>('sample');
  const [uploads, setUploads] = useState<readonly { key: string; name: string; progress: number; error?: string }[]>([]);
  const [deleting, setDeleting] = useState<string>();
  const prefix = `images-${style.styleId}`;

  const uploadOne = async (file: File) => {
    const key = `${Date.now()}-${Math.random()}`;
    const set = (change: { progress?: number; error?: string }) => setUploads((current) => current.map((u) => (u.key === key ? { ...u, ...change } : u)));
    setUploads((current) => [...current, { key, name: file.name, progress: 0 }]);
    try {
      const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
      const contentType = STYLE_IMAGE_TYPES.find((type) => type === sniffType(head));
      if (!contentType) throw new UploadError('Style images are JPEG, PNG or WebP.', 'TYPE');
      if (file.size > MAX_STYLE_IMAGE_BYTES) throw new UploadError(`Style images are at most ${formatBytes(MAX_STYLE_IMAGE_BYTES)}; this one is ${formatBytes(file.size)}.`, 'SIZE');
      const granted = await app.api.call(createStyleImageUpload, { params: { studioId, styleId: style.styleId }, body: { kind, contentType, size: file.size } });
      await postPresigned(granted.upload, file, { onProgress: (progress) => set({ progress }) });
      onSaved(await app.api.call(completeStyleImage, { params: { studioId, styleId: style.styleId, imageId: granted.imageId } }));
      setUploads((current) => current.filter((u) => u.key !== key));
    } catch (failure) {
      if (failure instanceof UploadError || failure instanceof ApiError) set({ error: failure.message });
      else {
        console.error(failure);
        set({ error: 'The upload failed. Try again.' });
      }
    }
  };

  const remove = async (imageId: string) => {
    setDeleting(imageId);
    try {
      onSaved(await app.api.call(deleteStyleImage, { params: { studioId, styleId: style.styleId, imageId } }));
    } catch (failure) {
      app.handleError(failure);
    } finally {
      setDeleting(undefined);
    }
  };

  const count = (k: StyleImageKind) => style.images.filter((image) => image.kind === k).length;

  return (
    <div class="style-images">
      {style.images.length === 0 ? (
        <p class="muted">No images yet. Samples show customers the look; references guide the generator.</p>
      ) : (
        <ul class="image-strip" aria-label={`Images of ${style.name}`}>
          {style.images.map((image, i) => (
            <li key={image.imageId} class="image-strip-item" data-testid="style-image" data-kind={image.kind}>
              <img src={image.url} alt={`${style.name}: ${image.kind} image ${i + 1}`} loading="lazy" />
              <span class={`badge ${image.kind === 'sample' ? 'badge-success' : 'badge-neutral'}`}>{image.kind}</span>
              <button
                type="button"
                class="button button-danger-quiet button-small"
                disabled={deleting === image.imageId}
                aria-label={`Delete ${image.kind} image ${i + 1} of ${style.name}`}
                onClick={() => void remove(image.imageId)}
              >
                {deleting === image.imageId ? <Spinner /> : 'Delete'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="image-upload">
        <label for={`${prefix}-kind`}>Add</label>
        <select id={`${prefix}-kind`} value={kind} onChange={(e) => setKind(e.currentTarget.value === 'reference' ? 'reference' : 'sample')}>
          {STYLE_IMAGE_KINDS.map((k) => (
            <option key={k} value={k} disabled={count(k) >= MAX_STYLE_IMAGES}>
              {k === 'sample' ? `Sample image (${count(k)}/${MAX_STYLE_IMAGES})` : `Reference image (${count(k)}/${MAX_STYLE_IMAGES})`}
            </option>
          ))}
        </select>
        <label class="button button-quiet button-small file-button">
          Choose images…
          <input
            type="file"
            multiple
            accept={STYLE_IMAGE_TYPES.join(',')}
            class="visually-hidden"
            data-testid={`${prefix}-input`}
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = '';
              void files.reduce((chain, file) => chain.then(() => uploadOne(file)), Promise.resolve());
            }}
          />
        </label>
      </div>
      {uploads.length > 0 && (
        <ul class="image-uploads" aria-live="polite">
          {uploads.map((u) => (
            <li key={u.key}>
              <span class="photo-name">{u.name}</span>
              {u.error ? (
                <>
                  <span class="photo-reason" role="alert">
                    {u.error}
                  </span>
                  <button type="button" class="button button-quiet button-small" onClick={() => setUploads((current) => current.filter((x) => x.key !== u.key))}>
                    Dismiss
                  </button>
                </>
              ) : (
                <progress max={100} value={Math.round(u.progress * 100)} aria-label={`Uploading ${u.name}`} />
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
