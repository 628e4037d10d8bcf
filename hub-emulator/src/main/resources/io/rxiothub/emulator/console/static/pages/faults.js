// Faults: drop a device's connection, partition it (no byte passes, nothing is closed), heal, throttle its
// acknowledgements, clear; its connection state and accepted connections show it recover.
export async function render(view, { api, ui, arg }) {
  const { el } = ui;
  const error = ui.alertBox('fault-error');
  const id = el('input', { id: 'fault-device', placeholder: 'dev1 or dev1/module', value: arg || '', required: true });
  const delay = el('input', { id: 'throttle-millis', type: 'number', min: 0, max: 60000, value: 2000 });
  const state = el('p', { id: 'fault-connection', role: 'status' });
  const done = el('p', { id: 'fault-result', class: 'ok' });

  function base() {
    const [device, module] = id.value.trim().split('/');
    if (!device) {
      throw new Error('Device id is required');
    }
    return '/emulator/devices/' + api.seg(device) + (module ? '/modules/' + api.seg(module) : '');
  }

  async function act(label, path, body) {
    ui.clear(error);
    done.textContent = '';
    try {
      const answer = await api.post(base() + path, body);
      done.textContent = label + ': ' + (answer.dropped === false ? 'it was not connected' : 'done');
      await refresh();
    } catch (e) {
      ui.showError(error, e, label + ' failed');
    }
  }

  async function refresh() {
    const who = id.value.trim();
    if (!who) {
      state.textContent = '';
      return;
    }
    try {
      const rows = await api.get('/emulator/connections');
      const [device, module] = who.split('/');
      const row = rows.find((r) => r.deviceId === device && (r.moduleId || '') === (module || ''));
      state.replaceChildren(row
        ? el('span', {}, who + ': ', el('span', { id: 'fault-state', class: 'state-' + (row.connected ? 'Connected'
          : 'Disconnected') }, row.connected ? 'Connected' : 'Disconnected'), ' · ',
          el('span', { id: 'fault-accepted' }, String(row.acceptedConnections)), ' connection(s) accepted since start')
        : el('span', { class: 'error' }, who + ' is not registered'));
    } catch (e) {
      ui.showError(error, e, 'Could not read the connections');
    }
  }

  const button = (text, idName, onclick, kind) => el('button', { type: 'button', id: idName, class: kind, onclick },
    text);
  view.append(
    el('div', { class: 'panel' },
      el('div', { class: 'row' }, ui.field('Device (or device/module)', id),
        ui.field('Throttle: hold each PUBACK (ms)', delay)),
      el('p', {}, 'Drop resets the TCP connection (no MQTT close); partition blackholes it until heal; throttle'
        + ' delays the hub\'s acknowledgements; clear forgets every rule.'),
      el('div', { class: 'row' },
        button('Drop connection', 'fault-drop', () => act('Drop', '/drop', {}), 'danger'),
        button('Partition', 'fault-partition', () => act('Partition', '/faults', { fault: 'partition' }), 'danger'),
        button('Heal', 'fault-heal', () => act('Heal', '/faults', { fault: 'heal' })),
        button('Throttle', 'fault-throttle', () => act('Throttle', '/faults', { fault: 'throttle',
          delayMillis: Number(delay.value) })),
        button('Clear faults', 'fault-clear', () => act('Clear', '/faults', { fault: 'clear' }), 'secondary'))),
    error, done, state);
  return ui.every(1000, refresh);
}
