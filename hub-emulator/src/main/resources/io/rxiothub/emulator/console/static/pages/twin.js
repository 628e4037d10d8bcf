// Twin: desired, reported and tags with their versions; edit desired and tags (a JSON merge patch, null deletes);
// reported changes appear as the device sends them (the twin is re-read every 2 s).
export async function render(view, { api, ui, arg }) {
  const { el } = ui;
  const error = ui.alertBox('twin-error');
  const id = el('input', { id: 'twin-device', placeholder: 'dev1 or dev1/module', value: arg || '', required: true });
  const desired = el('pre', { id: 'twin-desired' });
  const reported = el('pre', { id: 'twin-reported' });
  const tags = el('pre', { id: 'twin-tags' });
  const versions = el('p', { id: 'twin-versions' });
  const desiredPatch = el('textarea', { id: 'desired-patch', rows: 5, spellcheck: 'false',
    placeholder: '{"interval": 5}' });
  const tagsPatch = el('textarea', { id: 'tags-patch', rows: 3, spellcheck: 'false', placeholder: '{"floor": 3}' });
  const patchResult = el('p', { id: 'twin-patch-result', class: 'ok', role: 'status' });
  let lastReported = null;

  function path() {
    const [device, module] = id.value.trim().split('/');
    return '/twins/' + api.seg(device) + (module ? '/modules/' + api.seg(module) : '');
  }

  async function load() {
    if (!id.value.trim()) {
      return;
    }
    try {
      const twin = await api.get(path());
      ui.clear(error);
      const p = twin.properties || {};
      desired.textContent = ui.pretty(p.desired || {});
      reported.textContent = ui.pretty(p.reported || {});
      tags.textContent = ui.pretty(twin.tags || {});
      const rv = p.reported ? p.reported.$version : 0;
      versions.textContent = 'twin version ' + twin.version + ' · desired $version ' + (p.desired ? p.desired.$version
        : 0) + ' · reported $version ' + rv + ' · etag ' + twin.etag;
      if (lastReported !== null && rv !== lastReported) {
        ui.notice('reported properties changed ($version ' + rv + ')');
      }
      lastReported = rv;
    } catch (e) {
      ui.showError(error, e, 'Could not read the twin of ' + id.value.trim());
    }
  }

  async function patch(kind, textarea) {
    ui.clear(error);
    patchResult.textContent = '';
    let value;
    try {
      value = ui.parseJson(textarea.value, kind === 'desired' ? 'The desired patch' : 'The tags patch');
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new Error((kind === 'desired' ? 'The desired patch' : 'The tags patch')
          + ' must be a JSON object such as {"interval": 5}');
      }
    } catch (e) {
      ui.showError(error, e);
      return;
    }
    try {
      const body = kind === 'desired' ? { properties: { desired: value } } : { tags: value };
      const twin = await api.call('PATCH', path(), body);
      patchResult.textContent = (kind === 'desired' ? 'Desired $version ' + twin.properties.desired.$version
        + ' sent to the device' : 'Tags updated') + ' (twin version ' + twin.version + ').';
      await load();
    } catch (e) {
      ui.showError(error, e, 'The hub refused the ' + kind + ' patch');
    }
  }

  view.append(
    el('form', { class: 'panel', onsubmit: (e) => {
      e.preventDefault();
      lastReported = null;
      load();
    } },
      el('div', { class: 'row' }, ui.field('Device (or device/module)', id),
        el('button', { type: 'submit', id: 'twin-load' }, 'Load twin'))),
    error, versions,
    el('div', { class: 'grid' },
      el('div', { class: 'panel' }, el('h3', {}, 'Desired'), desired),
      el('div', { class: 'panel' }, el('h3', {}, 'Reported'), reported),
      el('div', { class: 'panel' }, el('h3', {}, 'Tags'), tags)),
    el('div', { class: 'grid' },
      el('form', { class: 'panel', onsubmit: (e) => { e.preventDefault(); patch('desired', desiredPatch); } },
        ui.field('Desired patch (JSON; null deletes a property)', desiredPatch),
        el('button', { type: 'submit', id: 'desired-send' }, 'Update desired')),
      el('form', { class: 'panel', onsubmit: (e) => { e.preventDefault(); patch('tags', tagsPatch); } },
        ui.field('Tags patch (JSON; null deletes a tag)', tagsPatch),
        el('button', { type: 'submit', id: 'tags-send' }, 'Update tags'))),
    patchResult);
  return ui.every(2000, load);
}
