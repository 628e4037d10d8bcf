// The console's shell: sign-in, the menu from the page registry (pages.json), and hash routing to page modules.
// Each page module exports render(view, context) and may return a function that stops what it started.
import * as api from './api.js';
import * as ui from './ui.js';
import { forgetSession, sessionFrom, storeSession, storedSession } from './sas.js';

const loginSection = document.getElementById('login');
const menu = document.getElementById('menu');
const view = document.getElementById('page');
let pages = [];
let stopPage = null;

function showLogin(message) {
  forgetSession();
  api.useSession(null);
  if (stopPage) {
    stopPage();
    stopPage = null;
  }
  view.replaceChildren();
  menu.hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('hub-name').textContent = '';
  loginSection.hidden = false;
  const error = document.getElementById('login-error');
  error.textContent = message || '';
  document.getElementById('credential').focus();
}

async function signIn(session) {
  api.useSession(session);
  // The first call checks the credentials before anything is shown.
  await api.get('/statistics/devices');
  storeSession(session);
  loginSection.hidden = true;
  document.getElementById('credential').value = '';
  document.getElementById('hub-name').textContent = session.host + ' · ' + session.policy;
  document.getElementById('sign-out').hidden = false;
  pages = await (await fetch('pages.json', { cache: 'no-store' })).json();
  menu.replaceChildren(...pages.map((p) => ui.el('a', { href: '#' + p.id, id: 'nav-' + p.id }, p.title)));
  menu.hidden = false;
  await route();
}

/** #page or #page/arg: the arg (a device id, percent-encoded) is handed to the page. */
async function route() {
  if (!api.currentSession()) {
    return;
  }
  const hash = location.hash.replace(/^#/, '');
  const slash = hash.indexOf('/');
  const id = (slash < 0 ? hash : hash.slice(0, slash)) || (pages[0] && pages[0].id);
  const arg = slash < 0 ? '' : decodeURIComponent(hash.slice(slash + 1));
  const page = pages.find((p) => p.id === id) || pages[0];
  if (stopPage) {
    stopPage();
    stopPage = null;
  }
  for (const link of menu.children) {
    link.toggleAttribute('aria-current', link.id === 'nav-' + page.id);
  }
  view.replaceChildren(ui.el('h2', { id: 'page-title' }, page.title));
  const container = ui.el('div', { id: 'page-' + page.id });
  view.append(container);
  try {
    const module = await import('./pages/' + page.module);
    const stop = await module.render(container, { api, ui, arg, session: api.currentSession(), go });
    stopPage = typeof stop === 'function' ? stop : null;
  } catch (e) {
    const box = ui.alertBox('page-error');
    container.append(box);
    ui.showError(box, e, 'This page failed to load');
  }
}

/** Opens a page: go('twin', 'dev1'). */
function go(pageId, arg) {
  location.hash = '#' + pageId + (arg ? '/' + encodeURIComponent(arg) : '');
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.textContent = '';
  try {
    await signIn(await sessionFrom(document.getElementById('credential').value));
  } catch (e) {
    api.useSession(null);
    error.textContent = e instanceof api.ApiError && e.status === 401
      ? 'The hub refused these credentials: ' + e.message : e.message;
  }
});
document.getElementById('sign-out').addEventListener('click', () => showLogin('Signed out.'));
window.addEventListener('hashchange', route);
window.addEventListener('rxiothub-unauthorized', (e) => {
  if (api.currentSession()) {
    showLogin('The session is no longer accepted (' + e.detail + '): sign in again.');
  }
});

const saved = storedSession();
if (saved) {
  signIn(saved).catch(() => showLogin('The saved session expired: sign in again.'));
} else {
  showLogin('');
}
