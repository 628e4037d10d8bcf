// Uploaded files: the hub's file upload notifications (GET /emulator/files/notifications), newest first, optionally
// of one device, re-read every second; a blob kept by the built-in storage face can be downloaded (the call carries
// the session's token; no SAS is ever shown).
export async function render(view, { api, ui, arg }) {
  const { el } = ui;
  const error = ui.alertBox('files-error');
  const downloadError = ui.alertBox('files-download-error');
  const device = el('input', { id: 'files-device', placeholder: 'all devices', value: (arg || '').split('/')[0] });
  const list = el('div', { id: 'files-list' });

  function size(row) {
    return row.blobSizeInBytes === undefined ? 'unknown' : row.blobSizeInBytes + ' B';
  }

  async function download(row) {
    ui.clear(downloadError);
    try {
      const session = api.currentSession();
      if (!session) {
        throw new api.ApiError(401, 'NotSignedIn', 'sign in first');
      }
      const res = await fetch('/emulator/files/blob?name=' + encodeURIComponent(row.blobName) + '&api-version='
        + api.API_VERSION, { headers: { Authorization: session.token }, cache: 'no-store' });
      if (!res.ok) {
        const text = await res.text();
        let message = text;
        try {
          message = JSON.parse(text).Message || text;
        } catch (e) {
          // not JSON: keep the text
        }
        throw new api.ApiError(res.status, 'HTTP ' + res.status, message);
      }
      const href = URL.createObjectURL(await res.blob());
      const link = el('a', { href, download: row.blobName.split('/').pop(), hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10000);
    } catch (e) {
      ui.showError(downloadError, e, 'Could not download ' + row.blobName);
    }
  }

  let shown = '';

  async function refresh() {
    const filter = device.value.trim();
    try {
      const rows = await api.get('/emulator/files/notifications' + (filter ? '?deviceId=' + api.seg(filter) : ''));
      ui.clear(error);
      const signature = filter + JSON.stringify(rows);
      if (signature === shown) {
        return;
      }
      shown = signature;
      list.replaceChildren(rows.length ? ui.table('files-table', ['Blob', 'Device', 'Result', 'Status', 'Size',
        'Enqueued', 'Correlation id', ''], rows.map((r) => [
        el('code', { 'data-blob': r.blobName }, r.blobName),
        r.deviceId + (r.moduleId ? '/' + r.moduleId : ''),
        el('span', { class: 'files-result ' + (r.success ? 'ok' : 'error'), 'data-blob': r.blobName },
          r.success ? 'success' : 'failed'),
        r.statusCode + (r.statusDescription ? ' ' + r.statusDescription : ''),
        size(r), ui.time(r.enqueuedTime), el('code', {}, r.correlationId),
        r.downloadable ? el('button', { type: 'button', 'aria-label': 'Download ' + r.blobName,
          onclick: () => download(r) }, 'Download') : '']),
      'Upload notifications' + (filter ? ' of ' + filter : '') + ', newest first')
        : el('p', { id: 'files-none' }, 'No file upload notifications' + (filter ? ' of ' + filter : '')
          + ' since the emulator started.'));
    } catch (e) {
      shown = '';
      list.replaceChildren();
      ui.showError(error, e, 'Could not read the upload notifications' + (filter ? ' of ' + filter : ''));
    }
  }

  device.addEventListener('change', refresh);
  view.append(el('div', { class: 'panel row' }, ui.field('Device', device, 'empty for every device')), error,
    downloadError, list);
  return ui.every(1000, refresh);
}
