/**
 * The browser side of the HTML report, as text: draws the embedded time series with uPlot. It reads the
 * JSON island #bb-data and marks <body data-charts="N"> when done, so a headless check can wait for it.
 */
export const CHART_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('bb-data').textContent);
  var t = data.t;
  var palette = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c'];
  function chart(id, title, unit, series) {
    var el = document.getElementById(id);
    var opts = {
      title: title,
      width: Math.max(320, el.clientWidth),
      height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'seconds since start' }, { label: unit, size: 60 }],
      series: [{ label: 't (s)' }].concat(series.map(function (s, i) {
        return { label: s.label, stroke: palette[i % palette.length], width: 2, points: { show: t.length < 60 } };
      })),
    };
    new uPlot(opts, [t].concat(series.map(function (s) { return s.values; })), el);
  }
  var n = 0;
  chart('chart-rps', 'Throughput', 'requests / s', data.throughput); n++;
  chart('chart-latency', 'Latency percentiles (per second)', 'ms', data.latency); n++;
  chart('chart-errors', 'Errors and dropped starts', 'per second', data.errors); n++;
  document.body.setAttribute('data-charts', String(n));
})();
`;
