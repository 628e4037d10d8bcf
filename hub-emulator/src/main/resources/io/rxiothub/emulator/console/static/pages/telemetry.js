// Live telemetry from the monitor stream (GET /emulator/monitor): per device or all, system and application
// properties, pause, filter, and a chart of the numeric fields of JSON payloads.
import { createChart, numericFields } from '../chart.js';

const KEPT = 200;

export async function render(view, { api, ui, arg }) {
  const { el } = ui;
  const error = ui.alertBox('telemetry-error');
  const device = el('input', { id: 'telemetry-device', placeholder: 'all devices', value: arg || '' });
  const filter = el('input', { id: 'telemetry-filter', placeholder: 'text in payload or properties' });
  const pause = el('button', { type: 'button', id: 'telemetry-pause', 'aria-pressed': 'false' }, 'Pause');
  const status = el('span', { id: 'telemetry-status' }, 'connecting…');
  const chartBox = el('div', { id: 'telemetry-chart', class: 'chart', 'data-points': '0' });
  const body = el('tbody', { id: 'telemetry-rows' });
  const messages = [];
  let paused = false;
  let missed = 0;
  let stop = null;
  const chart = createChart(chartBox, 'Numeric fields of JSON payloads');

  function matches(m) {
    const needle = filter.value.trim().toLowerCase();
    const text = [m.deviceId, m.moduleId || '', m.payload, props(m.applicationProperties),
      props(m.systemProperties)].join('\n');
    return !needle || text.toLowerCase().includes(needle);
  }

  function row(m) {
    const who = m.deviceId + (m.moduleId ? '/' + m.moduleId : '');
    return el('tr', { class: 'telemetry-row', 'data-device': who },
      el('td', {}, ui.time(m.enqueuedTime)), el('td', {}, who),
      el('td', {}, el('pre', { class: 'payload' }, m.payloadEncoding === 'base64' ? '(base64) ' + m.payload
        : m.payload)),
      el('td', {}, el('pre', {}, props(m.applicationProperties))),
      el('td', {}, el('pre', {}, props(m.systemProperties))));
  }

  const props = (map) => Object.entries(map || {}).map(([k, v]) => k + '=' + v).join('\n');

  function redraw() {
    body.replaceChildren(...messages.filter(matches).slice(-KEPT).reverse().map(row));
  }

  function onMessage(m) {
    messages.push(m);
    if (messages.length > KEPT * 5) {
      messages.splice(0, messages.length - KEPT * 5);
    }
    if (paused) {
      missed++;
      status.textContent = 'paused: ' + missed + ' new message(s) held';
      return;
    }
    if (matches(m)) {
      body.prepend(row(m));
      while (body.children.length > KEPT) {
        body.lastChild.remove();
      }
      if (m.payloadEncoding !== 'base64') {
        try {
          chart.add(Date.parse(m.enqueuedTime), numericFields(JSON.parse(m.payload)));
        } catch (e) {
          // not JSON: listed, not charted
        }
      }
    }
    status.textContent = 'live: ' + messages.length + ' message(s)';
  }

  function connect() {
    if (stop) {
      stop();
    }
    ui.clear(error);
    messages.length = 0;
    body.replaceChildren();
    chart.clear();
    const id = device.value.trim();
    const path = '/emulator/monitor?from=earliest' + (id ? '&deviceId=' + encodeURIComponent(id.split('/')[0]) : '');
    status.textContent = 'connecting…';
    stop = api.stream(path, (type, data) => {
      if (type === 'telemetry') {
        const m = JSON.parse(data);
        if (!id.includes('/') || id === m.deviceId + '/' + m.moduleId) {
          onMessage(m);
        }
      }
    }, (e) => {
      status.textContent = 'stopped';
      if (e) {
        ui.showError(error, e, 'Telemetry stream');
      }
    });
    status.textContent = 'live' + (id ? ' for ' + id : ' for all devices');
  }

  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (!paused) {
      missed = 0;
      redraw();
      chart.clear();
      for (const m of messages.filter(matches)) {
        try {
          chart.add(Date.parse(m.enqueuedTime), numericFields(JSON.parse(m.payload)));
        } catch (e) {
          // not JSON
        }
      }
      status.textContent = 'live: ' + messages.length + ' message(s)';
    }
  });
  filter.addEventListener('input', redraw);

  view.append(
    el('form', { class: 'panel', onsubmit: (e) => { e.preventDefault(); connect(); } },
      el('div', { class: 'row' }, ui.field('Device (or device/module)', device), ui.field('Filter', filter),
        el('button', { type: 'submit', id: 'telemetry-follow' }, 'Follow'), pause, status)),
    error, el('div', { class: 'panel' }, chartBox),
    el('table', { id: 'telemetry-table' }, el('caption', {}, 'Newest first (the emulator keeps 1,000 per device)'),
      el('thead', {}, el('tr', {}, ['Enqueued', 'Identity', 'Payload', 'Application properties',
        'System properties'].map((h) => el('th', { scope: 'col' }, h)))), body));
  connect();
  return () => {
    if (stop) {
      stop();
    }
    chart.destroy();
  };
}
