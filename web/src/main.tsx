import { render } from 'preact';
import type { WebConfig } from '../config';
import { App } from './app/App';
import { loadConfig } from './app/config';
import { FatalPage } from './app/FatalPage';
import { PUBLIC_LANDING } from './app/router';
import { sessionStore } from './auth/session';

/** Boots the studio: reads `/config.json`, then renders the app into `#app`. */
async function boot(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  // A visitor opening the site itself (no page in the hash) starts in the marketplace; signed-in people at their landing page.
  if (!location.hash && !sessionStore.load()) history.replaceState(null, '', `#${PUBLIC_LANDING}`);
  let config: WebConfig;
  try {
    config = await loadConfig();
  } catch (failure) {
    console.error('Could not load /config.json', failure);
    root.replaceChildren();
    render(
      <FatalPage
        title="The studio is not reachable"
        message="Could not load the app configuration. Check your connection, then reload the page."
        action="Reload"
        onAction={() => location.reload()}
      />,
      root,
    );
    return;
  }
  // The boot placeholder goes; Preact owns #app from here.
  root.replaceChildren();
  render(<App config={config} />, root);
}

void boot();
