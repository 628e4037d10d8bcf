// Small DOM helpers for the pages: elements built with textContent only (no HTML from data), labelled fields,
// tables, messages.

/** el('button', {type: 'button', onclick: f}, 'text', child…): attributes, properties for on* and children. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'value') {
      node.value = value;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

/** A label and its control, joined by id. */
export function field(label, control, hint) {
  return el('div', { class: 'field' }, el('label', { for: control.id }, label), control,
    hint ? el('small', {}, hint) : null);
}

/** A table with a header row; rows are arrays of cells (text or nodes). */
export function table(id, headers, rows, caption) {
  return el('table', { id },
    caption ? el('caption', {}, caption) : null,
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))));
}

/** Shows a message (an ApiError's or an Error's) in an alert box: the text the hub gave, never a stack. */
export function showError(box, error, what) {
  const code = error && error.code && error.code !== 'HTTP 0' ? ' (' + error.code + ')' : '';
  box.textContent = (what ? what + ': ' : '') + (error && error.message ? error.message : String(error)) + code;
  box.hidden = false;
}

export function alertBox(id) {
  return el('p', { id, class: 'error', role: 'alert', hidden: true });
}

export function clear(box) {
  box.textContent = '';
  box.hidden = true;
}

/** A short status line in the corner. */
export function notice(text) {
  const box = document.getElementById('notice');
  box.textContent = text;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => {
    box.textContent = '';
  }, 4000);
}

/** JSON.parse with an error that says which field is wrong. */
export function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(what + ' is not valid JSON: ' + e.message);
  }
}

export function pretty(value) {
  return JSON.stringify(value, null, 2);
}

/** Local time with milliseconds, for event rows. */
export function time(iso) {
  if (!iso) {
    return 'never';
  }
  const d = new Date(iso);
  return d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

/** Re-runs f every ms while the page shows; returns the stop function. */
export function every(ms, f) {
  f();
  const id = setInterval(f, ms);
  return () => clearInterval(id);
}
