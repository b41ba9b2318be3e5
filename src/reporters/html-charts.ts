/**
 * The browser side of the HTML report, as text: draws the embedded time series with uPlot. It reads the
 * JSON island #bb-data and marks <body data-charts="N"> when done, so a headless check can wait for it.
 */
export const CHART_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('bb-data').textContent);
  var palette = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c'];
  var box = document.getElementById('charts');
  function chart(c) {
    var el = document.createElement('div');
    el.className = 'chart';
    box.appendChild(el);
    var t = c.t, series = c.series, unit = c.unit;
    var opts = {
      title: c.title,
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
  data.charts.forEach(chart);
  document.body.setAttribute('data-charts', String(data.charts.length));
})();
`;
