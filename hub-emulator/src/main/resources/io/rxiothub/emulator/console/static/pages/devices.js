// Devices and modules: connection state, activity and auth kind; create, enable/disable, delete; the connection
// string only when asked for.
export async function render(view, { api, ui, session, go }) {
  const { el } = ui;
  const error = ui.alertBox('devices-error');
  const newId = el('input', { id: 'new-device-id', name: 'deviceId', placeholder: 'dev1', required: true });
  const newModule = el('input', { id: 'new-module-id', name: 'moduleId', placeholder: '(none: a device)' });
  const listBox = el('div', { id: 'device-list' });
  const secretBox = el('div', { id: 'connection-string-box', hidden: true });

  async function create(event) {
    event.preventDefault();
    ui.clear(error);
    const id = newId.value.trim();
    const module = newModule.value.trim();
    if (!id) {
      ui.showError(error, new Error('Device id is required'));
      return;
    }
    try {
      const path = '/devices/' + api.seg(id) + (module ? '/modules/' + api.seg(module) : '');
      await api.call('PUT', path, module ? { deviceId: id, moduleId: module } : { deviceId: id });
      ui.notice('created ' + id + (module ? '/' + module : ''));
      newId.value = '';
      newModule.value = '';
      await refresh();
    } catch (e) {
      ui.showError(error, e, 'Could not create ' + id);
    }
  }

  function identityPath(row) {
    return '/devices/' + api.seg(row.deviceId) + (row.moduleId ? '/modules/' + api.seg(row.moduleId) : '');
  }

  async function showConnectionString(row) {
    ui.clear(error);
    try {
      const identity = await api.get(identityPath(row));
      const key = identity.authentication.symmetricKey.primaryKey;
      const text = 'HostName=' + session.host + ';DeviceId=' + row.deviceId
        + (row.moduleId ? ';ModuleId=' + row.moduleId : '') + ';SharedAccessKey=' + key;
      const output = el('code', { id: 'connection-string', class: 'secret' }, text);
      secretBox.replaceChildren(el('p', {}, 'Connection string of ' + name(row) + ' (a secret):'), output,
        el('div', { class: 'row' },
          el('button', { type: 'button', onclick: () => navigator.clipboard.writeText(text)
            .then(() => ui.notice('copied')).catch(() => ui.notice('select the text and copy it')) }, 'Copy'),
          el('button', { type: 'button', class: 'secondary', id: 'hide-connection-string',
            onclick: () => { secretBox.replaceChildren(); secretBox.hidden = true; } }, 'Hide')));
      secretBox.hidden = false;
    } catch (e) {
      ui.showError(error, e, 'Could not read ' + name(row));
    }
  }

  async function setStatus(row, status) {
    ui.clear(error);
    try {
      const body = { deviceId: row.deviceId, status };
      if (row.moduleId) {
        body.moduleId = row.moduleId;
      }
      await api.call('PUT', identityPath(row), body, { 'If-Match': '*' });
      ui.notice(name(row) + ' ' + status);
      await refresh();
    } catch (e) {
      ui.showError(error, e, 'Could not change ' + name(row));
    }
  }

  async function remove(row) {
    ui.clear(error);
    if (!window.confirm('Delete ' + name(row) + '? Its twin and queued messages go too.')) {
      return;
    }
    try {
      await api.call('DELETE', identityPath(row), undefined, { 'If-Match': '*' });
      ui.notice('deleted ' + name(row));
      await refresh();
    } catch (e) {
      ui.showError(error, e, 'Could not delete ' + name(row));
    }
  }

  const name = (row) => row.deviceId + (row.moduleId ? '/' + row.moduleId : '');

  let shown = '';

  async function refresh() {
    let connections;
    let devices;
    try {
      [connections, devices] = await Promise.all([api.get('/emulator/connections'), api.get('/devices?top=1000')]);
    } catch (e) {
      ui.showError(error, e, 'Could not list devices');
      return;
    }
    // Redraw only on change: a table rebuilt every 2 s would drop the keyboard focus and stale every button.
    const signature = JSON.stringify([connections, devices.map((d) => [d.deviceId, d.status])]);
    if (signature === shown) {
      return;
    }
    shown = signature;
    const status = new Map(devices.map((d) => [d.deviceId, d]));
    const rows = connections.map((c) => {
      const device = status.get(c.deviceId) || {};
      const enabled = c.moduleId || device.status !== 'disabled';
      const auth = device.authentication ? device.authentication.type : 'sas';
      const idText = name(c);
      return [
        el('span', { class: 'identity' }, idText),
        c.moduleId ? 'module' : (enabled ? 'enabled' : 'disabled'),
        el('span', { class: 'state-' + (c.connected ? 'Connected' : 'Disconnected'), 'data-device': idText },
          c.connected ? 'Connected' : 'Disconnected'),
        String(c.acceptedConnections),
        ui.time(c.lastTelemetryTime),
        auth,
        el('div', { class: 'row' },
          el('button', { type: 'button', class: 'secondary', 'aria-label': 'Show connection string of ' + idText,
            onclick: () => showConnectionString(c) }, 'Connection string'),
          c.moduleId ? null : el('button', { type: 'button', class: 'secondary',
            'aria-label': (enabled ? 'Disable ' : 'Enable ') + idText,
            onclick: () => setStatus(c, enabled ? 'disabled' : 'enabled') }, enabled ? 'Disable' : 'Enable'),
          el('button', { type: 'button', class: 'secondary', onclick: () => go('telemetry', idText) }, 'Telemetry'),
          el('button', { type: 'button', class: 'secondary', onclick: () => go('twin', idText) }, 'Twin'),
          el('button', { type: 'button', class: 'danger', 'aria-label': 'Delete ' + idText,
            onclick: () => remove(c) }, 'Delete')),
      ];
    });
    listBox.replaceChildren(rows.length
      ? ui.table('devices-table', ['Identity', 'Status', 'Connection', 'Connections accepted', 'Last telemetry',
        'Auth', 'Actions'], rows)
      : el('p', { id: 'no-devices' }, 'No devices yet: create one above.'));
  }

  view.append(
    el('form', { id: 'create-device-form', class: 'panel', onsubmit: create },
      el('h3', {}, 'Create a device or module'),
      el('div', { class: 'row' }, ui.field('Device id', newId), ui.field('Module id', newModule),
        el('button', { type: 'submit', id: 'create-device' }, 'Create'))),
    error, secretBox, listBox);
  return ui.every(2000, refresh);
}
