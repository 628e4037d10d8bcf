// Direct methods: invoke with a JSON payload and time-outs, see the device's status and answer, and a history of
// this tab's invocations.
const history = [];

export async function render(view, { api, ui, arg }) {
  const { el } = ui;
  const error = ui.alertBox('method-error');
  const id = el('input', { id: 'method-device', placeholder: 'dev1 or dev1/module', value: arg || '', required: true });
  const name = el('input', { id: 'method-name', placeholder: 'reboot', required: true });
  const payload = el('textarea', { id: 'method-payload', rows: 3, spellcheck: 'false', placeholder: '{"delay": 0}' });
  const responseTimeout = el('input', { id: 'method-response-timeout', type: 'number', min: 5, max: 300, value: 30 });
  const connectTimeout = el('input', { id: 'method-connect-timeout', type: 'number', min: 0, max: 300, value: 0 });
  const result = el('div', { id: 'method-result', role: 'status' });
  const invoke = el('button', { type: 'submit', id: 'method-invoke' }, 'Invoke');
  const historyBox = el('div', { id: 'method-history' });

  function drawHistory() {
    historyBox.replaceChildren(ui.table('method-history-table', ['Time', 'Identity', 'Method', 'Outcome', 'Answer'],
      history.slice().reverse().map((h) => [h.time, h.identity, h.method, h.outcome, el('pre', {}, h.answer)]),
      'History (this tab)'));
  }

  async function submit(event) {
    event.preventDefault();
    ui.clear(error);
    result.replaceChildren();
    const [device, module] = id.value.trim().split('/');
    let body;
    try {
      if (!device) {
        throw new Error('Device id is required');
      }
      if (!name.value.trim()) {
        throw new Error('Method name is required');
      }
      body = {
        methodName: name.value.trim(),
        responseTimeoutInSeconds: Number(responseTimeout.value),
        connectTimeoutInSeconds: Number(connectTimeout.value),
      };
      if (payload.value.trim()) {
        body.payload = ui.parseJson(payload.value, 'The payload');
      }
    } catch (e) {
      ui.showError(error, e);
      return;
    }
    const entry = { time: new Date().toLocaleTimeString(undefined, { hour12: false }), identity: id.value.trim(),
      method: body.methodName, outcome: 'pending', answer: '' };
    invoke.disabled = true;
    result.textContent = 'waiting for ' + id.value.trim() + ' to answer…';
    try {
      const path = '/twins/' + api.seg(device) + (module ? '/modules/' + api.seg(module) : '') + '/methods';
      const answer = await api.post(path, body);
      entry.outcome = 'status ' + answer.status;
      entry.answer = ui.pretty(answer.payload);
      result.replaceChildren(el('p', { id: 'method-status', class: 'ok' }, 'The device answered status '
        + answer.status), el('pre', { id: 'method-answer' }, entry.answer));
    } catch (e) {
      result.replaceChildren();
      entry.outcome = e.code || 'failed';
      entry.answer = e.message;
      const hint = e.status === 504 ? 'The device did not answer within ' + body.responseTimeoutInSeconds
        + ' s' : e.status === 404 && e.code === 'DeviceNotOnline' ? 'The device is not connected or has not'
        + ' subscribed to methods' : 'The hub refused the call';
      ui.showError(error, e, hint);
    } finally {
      invoke.disabled = false;
      history.push(entry);
      drawHistory();
    }
  }

  view.append(
    el('form', { id: 'method-form', class: 'panel', onsubmit: submit },
      el('div', { class: 'row' }, ui.field('Device (or device/module)', id), ui.field('Method name', name),
        ui.field('Response time-out (s, 5..300)', responseTimeout),
        ui.field('Connect time-out (s, 0..300)', connectTimeout)),
      ui.field('Payload (JSON, optional)', payload), invoke),
    error, result, historyBox);
  drawHistory();
}
