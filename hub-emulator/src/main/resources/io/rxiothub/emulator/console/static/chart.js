// A live line chart of the numeric fields of JSON payloads over time, on uPlot (served from its WebJar). A field
// seen for the first time adds a series; the newest POINTS points are kept.
import uPlot from './lib/uPlot.esm.js';

const POINTS = 500;
const COLOURS = ['#0b5cad', '#b3261e', '#1a7f37', '#8250df', '#bc4c00', '#1b7c83', '#6e7781', '#bf3989'];

/** Numeric leaves of a JSON value, as {"a": 1, "b.c": 2} (depth 3, arrays skipped). */
export function numericFields(value, prefix = '', out = {}, depth = 0) {
  if (value && typeof value === 'object' && !Array.isArray(value) && depth < 3) {
    for (const [k, v] of Object.entries(value)) {
      numericFields(v, prefix ? prefix + '.' + k : k, out, depth + 1);
    }
  } else if (typeof value === 'number' && Number.isFinite(value) && prefix) {
    out[prefix] = value;
  }
  return out;
}

export function createChart(container, label) {
  const names = [];
  const xs = [];
  const ys = [];
  let plot = null;

  function width() {
    return Math.max(300, container.clientWidth || 600);
  }

  function build() {
    if (plot) {
      plot.destroy();
    }
    const series = [{ label: 'time' }].concat(names.map((n, i) => ({
      label: n, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true, points: { show: true, size: 4 },
    })));
    plot = new uPlot({ title: label, width: width(), height: 240, series, scales: { x: { time: true } } },
      [xs].concat(ys), container);
  }

  return {
    /** Adds the numeric fields of one message at time t (ms since the epoch); returns how many it had. */
    add(t, fields) {
      const keys = Object.keys(fields);
      if (!keys.length) {
        return 0;
      }
      let grown = false;
      for (const key of keys) {
        if (!names.includes(key)) {
          names.push(key);
          ys.push(xs.map(() => null));
          grown = true;
        }
      }
      xs.push(t / 1000);
      names.forEach((n, i) => ys[i].push(n in fields ? fields[n] : null));
      if (xs.length > POINTS) {
        xs.shift();
        ys.forEach((y) => y.shift());
      }
      if (grown || !plot) {
        build();
      } else {
        plot.setData([xs].concat(ys));
      }
      container.dataset.points = String(xs.length);
      container.dataset.series = names.join(',');
      return keys.length;
    },
    clear() {
      xs.length = 0;
      names.length = 0;
      ys.length = 0;
      if (plot) {
        plot.destroy();
        plot = null;
      }
      container.dataset.points = '0';
      container.dataset.series = '';
    },
    destroy() {
      if (plot) {
        plot.destroy();
      }
    },
  };
}
