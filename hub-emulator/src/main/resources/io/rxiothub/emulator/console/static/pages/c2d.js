// Cloud-to-device: send with properties and a time to live; the device's messages with their delivery states
// (QUEUED, DELIVERED, COMPLETED, EXPIRED), re-read every second.
export async function render(view, { api, ui, arg }) {
  const { el } = ui;
  const error = ui.alertBox('c2d-error');
  const id = el('input', { id: 'c2d-device', placeholder: 'dev1', value: (arg || '').split('/')[0], required: true });
  const payload = el('textarea', { id: 'c2d-payload', rows: 3, spellcheck: 'false', placeholder: '{"led":"on"}' });
  const properties = el('textarea', { id: 'c2d-properties', rows: 2, spellcheck: 'false',
    placeholder: 'color=blue (one per line)' });
  const ttl = el('input', { id: 'c2d-ttl', type: 'number', min: 1, max: 172800, value: 3600 });
  const sent = el('p', { id: 'c2d-sent', class: 'ok', role: 'status' });
  const queue = el('div', { id: 'c2d-queue' });

  function parseProperties(text) {
    const out = {};
    text.split('\n').map((l) => l.trim()).filter(Boolean).forEach((line, i) => {
      const eq = line.indexOf('=');
      if (eq <= 0) {
        throw new Error('Property line ' + (i + 1) + ' must be name=value, got "' + line + '"');
      }
      out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    });
    return out;
  }

  async function send(event) {
    event.preventDefault();
    ui.clear(error);
    sent.textContent = '';
    let body;
    try {
      if (!id.value.trim()) {
        throw new Error('Device id is required');
      }
      if (!payload.value) {
        throw new Error('Payload is required (any text; JSON is sent as is)');
      }
      body = { payload: payload.value, properties: parseProperties(properties.value), ttlSeconds: Number(ttl.value) };
    } catch (e) {
      ui.showError(error, e);
      return;
    }
    try {
      const answer = await api.post('/emulator/devices/' + api.seg(id.value.trim()) + '/messages', body);
      sent.textContent = 'Queued message ' + answer.messageId + ' (' + answer.state + ')';
      await refresh();
    } catch (e) {
      ui.showError(error, e, 'The hub refused the message');
    }
  }

  let shown = '';

  async function refresh() {
    const device = id.value.trim();
    if (!device) {
      return;
    }
    try {
      const messages = await api.get('/emulator/devices/' + api.seg(device) + '/messages');
      const signature = device + JSON.stringify(messages);
      if (signature === shown) {
        return;
      }
      shown = signature;
      queue.replaceChildren(messages.length ? ui.table('c2d-table', ['Message id', 'State', 'Enqueued', 'Expires',
        'Properties', 'Payload'], messages.slice().reverse().map((m) => [
        m.messageId, el('span', { class: 'c2d-state state-' + m.state, 'data-message': m.messageId }, m.state),
        ui.time(m.enqueuedTime), ui.time(m.expiryTime),
        el('pre', {}, Object.entries(m.properties).filter(([k]) => !k.startsWith('$.') || k === '$.to')
          .map(([k, v]) => k + '=' + v).join('\n')),
        el('pre', {}, m.payload)]), 'Messages of ' + device + ', newest first')
        : el('p', {}, 'No messages for ' + device + ' since the emulator started.'));
    } catch (e) {
      ui.showError(error, e, 'Could not read the messages of ' + device);
    }
  }

  view.append(
    el('form', { id: 'c2d-form', class: 'panel', onsubmit: send },
      el('div', { class: 'row' }, ui.field('Device', id), ui.field('Time to live (s)', ttl)),
      ui.field('Payload', payload), ui.field('Properties', properties),
      el('button', { type: 'submit', id: 'c2d-send' }, 'Send')),
    error, sent, queue);
  return ui.every(1000, refresh);
}
