// Austin for the JVM: the flame graph page's script (HtmlRenderer embeds it). No dependency, no request: the data
// is the JSON block #austin-data, a call tree per thread as nested arrays
//   [frame, samples, value per metric..., (diff: base value per metric..., base samples,) child...]
// frame indexes the flat table `frames` (scope string, file string, line; strings in `strings`); -2 is a root and
// -1 the grey box of the children that pruning folded together.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('austin-data').textContent);
  var M = D.metrics.length;
  var DIFF = D.kind === 'diff';
  var K = 2 + M + (DIFF ? M + 1 : 0); // where the children start in a node's array
  var S = D.strings;
  var F = D.frames;
  var ROW = 18;
  var $ = function (id) { return document.getElementById(id); };
  var chart = $('chart');

  function fname(f) { return f === -1 ? 'pruned' : f === -2 ? 'all' : S[F[3 * f]]; }
  function ffile(f) { return f < 0 ? '' : S[F[3 * f + 1]]; }
  function fline(f) { return f < 0 ? 0 : F[3 * f + 2]; }
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function meta(list, key) {
    var v = null;
    (list || []).forEach(function (kv) { if (kv[0] === key) v = kv[1]; });
    return v;
  }

  // ---- values and units ------------------------------------------------------------------------------------
  function unit(m) { return D.metrics[m][1]; }
  function fmt(v, m) {
    var a = Math.abs(v);
    if (unit(m) === 'us') {
      if (a >= 1e6) return (v / 1e6).toFixed(2) + ' s';
      if (a >= 1e3) return (v / 1e3).toFixed(2) + ' ms';
      return v + ' \u00b5s';
    }
    if (a >= 1073741824) return (v / 1073741824).toFixed(2) + ' GiB';
    if (a >= 1048576) return (v / 1048576).toFixed(2) + ' MiB';
    if (a >= 1024) return (v / 1024).toFixed(2) + ' KiB';
    return v + ' B';
  }
  function pct(x) { return (100 * x).toFixed(2) + '%'; }
  // A threshold such as 0.001 %: as many digits as it takes to show it, not 0.00%.
  function thresholdPct(x) {
    var p = 100 * x;
    return (p === 0 || p >= 0.01 ? p.toFixed(2) : p.toPrecision(1)) + '%';
  }
  function share(v, t) { return t > 0 ? v / t : 0; }

  // ---- the tree of the selected threads ---------------------------------------------------------------------
  function node(f, parent) {
    return { f: f, n: 0, v: new Array(M).fill(0), b: DIFF ? new Array(M).fill(0) : null, bn: 0, ch: [], idx: null,
      p: parent, d: parent ? parent.d + 1 : 0 };
  }
  // Adds the encoded tree `a` into `dst`, merging children of the same frame.
  function add(dst, a) {
    dst.n += a[1];
    for (var m = 0; m < M; m++) dst.v[m] += a[2 + m];
    if (DIFF) {
      for (m = 0; m < M; m++) dst.b[m] += a[2 + M + m];
      dst.bn += a[2 + 2 * M];
    }
    for (var i = K; i < a.length; i++) {
      var c = a[i];
      if (!dst.idx) dst.idx = new Map();
      var d = dst.idx.get(c[0]);
      if (!d) {
        d = node(c[0], dst);
        dst.idx.set(c[0], d);
        dst.ch.push(d);
      }
      add(d, c);
    }
  }
  function order(a, b) {
    if (a.f === -1 || b.f === -1) return (a.f === -1) - (b.f === -1);
    var x = fname(a.f), y = fname(b.f);
    if (x !== y) return x < y ? -1 : 1;
    x = ffile(a.f); y = ffile(b.f);
    if (x !== y) return x < y ? -1 : 1;
    return fline(a.f) - fline(b.f);
  }
  function finish(n) {
    n.idx = null;
    n.ch.sort(order);
    for (var i = 0; i < n.ch.length; i++) finish(n.ch[i]);
  }

  var selections = [];   // {key, label, threads: [index]}
  (function () {
    var all = D.threads.map(function (t, i) { return i; });
    if (DIFF) {
      selections.push({ key: 'all', label: 'all threads of both profiles', threads: all });
      return;
    }
    var pids = [];
    D.threads.forEach(function (t) { if (pids.indexOf(t[0]) < 0) pids.push(t[0]); });
    selections.push({ key: 'all', label: 'All threads (' + all.length + (pids.length > 1 ? ', ' + pids.length
        + ' processes)' : ')'), threads: all });
    pids.forEach(function (pid) {
      var ts = all.filter(function (i) { return D.threads[i][0] === pid; });
      if (pids.length > 1) selections.push({ key: 'p' + pid, label: 'Process ' + pid + ' (' + ts.length
          + ' threads)', threads: ts });
      if (all.length > 1) {
        ts.forEach(function (i) {
          selections.push({ key: 't' + i, label: (pids.length > 1 ? '\u2003' : '') + 'Process ' + pid
              + ' \u00b7 Thread ' + D.threads[i][1], threads: [i] });
        });
      }
    });
  })();

  var state = { sel: selections[0], metric: 0, icicle: false, root: null, zoom: null, stack: [], query: '',
    regex: false, matcher: null, matched: 0, boxes: [], maxAbs: 0 };

  function build() {
    var root = node(-2, null);
    state.sel.threads.forEach(function (i) { add(root, D.threads[i][2]); });
    finish(root);
    state.root = root;
    state.zoom = root;
    state.stack = [];
    diffScale();
  }

  // ---- colours ----------------------------------------------------------------------------------------------
  function hash(s) {
    var h = 2166136261;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
    return (h >>> 0) / 4294967296;
  }
  function change(n) {
    var m = state.metric, r = state.root;
    return share(n.v[m], r.v[m]) - share(n.b[m], r.b[m]);
  }
  function diffScale() {
    if (!DIFF) return;
    var max = 0;
    (function walk(n) {
      if (n.p && n.v[state.metric] > 0) max = Math.max(max, Math.abs(change(n)));
      n.ch.forEach(walk);
    })(state.root);
    state.maxAbs = max;
  }
  function colour(n) {
    if (n.f === -2) return '#d8d8d2';
    if (DIFF) {
      var c = change(n);
      var k = state.maxAbs > 0 ? Math.sqrt(Math.min(1, Math.abs(c) / state.maxAbs)) : 0;
      var l = (97 - 45 * k).toFixed(1);
      return c >= 0 ? 'hsl(0,85%,' + l + '%)' : 'hsl(215,85%,' + l + '%)';
    }
    if (ffile(n.f) === '') return 'hsl(200,30%,75%)'; // Austin's :GC: and :INVALID: markers
    var h = hash(fname(n.f));
    return 'hsl(' + (8 + 42 * h).toFixed(0) + ',' + (75 + 20 * hash(ffile(n.f))).toFixed(0) + '%,'
        + (58 + 12 * (1 - h)).toFixed(0) + '%)';
  }

  // ---- search -----------------------------------------------------------------------------------------------
  function setQuery() {
    state.query = $('search').value;
    state.regex = $('regex').checked;
    state.matcher = null;
    $('search').setCustomValidity('');
    if (state.query !== '') {
      if (state.regex) {
        try {
          var re = new RegExp(state.query, 'i');
          state.matcher = function (s) { return re.test(s); };
        } catch (e) {
          $('search').setCustomValidity('not a regular expression');
          state.matcher = null;
        }
      } else {
        var q = state.query.toLowerCase();
        state.matcher = function (s) { return s.toLowerCase().indexOf(q) >= 0; };
      }
    }
  }
  function matches(n) { return state.matcher !== null && n.f >= 0 && state.matcher(fname(n.f)); }
  // The value of the samples that have a matching frame: the top-most matches, each counted once.
  function matchedValue() {
    var m = state.metric, sum = 0;
    (function walk(n) {
      if (matches(n)) { sum += n.v[m]; return; }
      n.ch.forEach(walk);
    })(state.root);
    return sum;
  }

  // ---- layout and drawing -----------------------------------------------------------------------------------
  function render() {
    var m = state.metric, W = chart.clientWidth || 1000, z = state.zoom, T = z.v[m];
    var boxes = [];
    var anc = [];
    for (var p = z.p; p; p = p.p) anc.unshift(p);
    anc.forEach(function (a, i) { boxes.push({ n: a, x: 0, w: W, d: i, anc: true }); });
    if (T > 0) {
      (function lay(n, x, d) {
        var w = n.v[m] / T * W;
        boxes.push({ n: n, x: x, w: w, d: d, anc: false });
        var cx = x;
        for (var i = 0; i < n.ch.length; i++) {
          var c = n.ch[i], cw = c.v[m] / T * W;
          if (cw >= 1) lay(c, cx, d + 1);
          cx += cw;
        }
      })(z, 0, anc.length);
    }
    var maxD = 0;
    boxes.forEach(function (b) { if (b.d > maxD) maxD = b.d; });
    chart.style.height = ((maxD + 1) * ROW) + 'px';
    var html = [];
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i], n = b.n;
      b.match = matches(n);
      var top = state.icicle ? b.d * ROW : (maxD - b.d) * ROW;
      var cls = 'box' + (b.anc ? ' anc' : '') + (n.f === -1 ? ' pruned' : '') + (b.match ? ' match' : '')
          + (state.matcher && !b.match ? ' faded' : '');
      html.push('<div class="' + cls + '" data-i="' + i + '" style="left:' + b.x.toFixed(2) + 'px;width:'
          + b.w.toFixed(2) + 'px;top:' + top + 'px;background:' + colour(n) + '">' + esc(label(n)) + '</div>');
    }
    chart.innerHTML = html.join('');
    state.boxes = boxes;
    state.matched = matchedValue();
    var total = state.root.v[m];
    $('matched').textContent = state.matcher ? 'Matched: ' + pct(share(state.matched, total)) + ' ('
        + fmt(state.matched, m) + ' of ' + fmt(total, m) + ')' : (state.query !== '' ? 'bad regular expression' : '');
    $('back').disabled = state.stack.length === 0;
    $('reset').disabled = state.zoom === state.root;
    $('flip').textContent = state.icicle ? 'Flame graph' : 'Icicle';
    summary();
  }
  function label(n) {
    if (n.f === -2) return DIFF ? 'all' : (state.sel.threads.length === 1 ? state.sel.label.trim() : 'all');
    return fname(n.f);
  }

  function summary() {
    var m = state.metric, r = state.root, text;
    if (DIFF) {
      text = D.metrics[m][0] + ' \u00b7 new: ' + fmt(r.v[m], m) + ' (' + r.n + ' samples) \u00b7 base: '
          + fmt(r.b[m], m) + ' (' + r.bn + ' samples)';
    } else {
      text = D.metrics[m][0] + ' \u00b7 ' + fmt(r.v[m], m) + ' in ' + r.n + ' samples \u00b7 mode ' + D.mode;
      var austin = meta(D.metadata, 'austin'), interval = meta(D.metadata, 'interval');
      if (austin) text += ' \u00b7 austin ' + austin;
      if (interval) text += ' \u00b7 interval ' + interval + ' \u00b5s';
    }
    $('summary').textContent = text;
    var pruned = 0;
    (function walk(n) { if (n.f === -1) pruned += n.v[m]; else n.ch.forEach(walk); })(r);
    var notes = 'Pruned: frames below ' + thresholdPct(D.threshold) + ' of their ' + (DIFF ? 'profile' : 'thread')
        + '\u2019s total are folded into grey \u201cpruned\u201d boxes: ' + pct(share(pruned, r.v[m]))
        + ' of this view (' + fmt(pruned, m) + ').';
    if (D.threshold > D.minShare) notes += ' The threshold was raised from ' + thresholdPct(D.minShare)
        + ' to keep the page small.';
    notes += ' Boxes narrower than a pixel are not drawn; click to zoom. The search matches function names.';
    $('notes').textContent = notes;
    $('summary').dataset.pruned = String(share(pruned, r.v[m]));
  }

  function describe(n) {
    var m = state.metric, r = state.root, T = r.v[m];
    var own = n.v[m];
    n.ch.forEach(function (c) { own -= c.v[m]; });
    var lines = [];
    lines.push(n.f === -1 ? 'pruned: frames below the threshold, together' : fname(n.f));
    if (n.f >= 0 && ffile(n.f) !== '') lines.push(ffile(n.f) + ':' + fline(n.f));
    if (DIFF) {
      var Tb = r.b[m], ownB = n.b[m];
      n.ch.forEach(function (c) { ownB -= c.b[m]; });
      lines.push('new:  total ' + fmt(n.v[m], m) + ' (' + pct(share(n.v[m], T)) + '), own ' + fmt(own, m) + ' ('
          + pct(share(own, T)) + '), ' + n.n + ' samples');
      lines.push('base: total ' + fmt(n.b[m], m) + ' (' + pct(share(n.b[m], Tb)) + '), own ' + fmt(ownB, m) + ' ('
          + pct(share(ownB, Tb)) + '), ' + n.bn + ' samples');
      var c = change(n);
      lines.push('change: ' + (c >= 0 ? '+' : '') + (100 * c).toFixed(2) + ' points of the total ('
          + (c > 0 ? 'hotter' : c < 0 ? 'colder' : 'same') + ')');
    } else {
      lines.push('total ' + fmt(n.v[m], m) + ' (' + pct(share(n.v[m], T)) + ') \u00b7 own ' + fmt(own, m) + ' ('
          + pct(share(own, T)) + ') \u00b7 ' + n.n + ' samples');
      if (M > 1) {
        var others = [];
        for (var k = 0; k < M; k++) if (k !== m) others.push(D.metrics[k][0] + ' ' + fmt(n.v[k], k));
        lines.push(others.join(' \u00b7 '));
      }
    }
    return lines.join('\n');
  }

  // ---- diff: what only the base has --------------------------------------------------------------------------
  function onlyBase() {
    if (!DIFF) return;
    var m = state.metric, r = state.root, rows = [];
    (function walk(n) {
      if (n.p && n.v[m] === 0 && n.b[m] > 0) { rows.push(n); return; }
      n.ch.forEach(walk);
    })(r);
    rows.sort(function (a, b) { return b.b[m] - a.b[m]; });
    var html = rows.slice(0, 100).map(function (n) {
      return '<tr><td>' + esc(fname(n.f)) + '</td><td>' + esc(n.f >= 0 ? ffile(n.f) + ':' + fline(n.f) : '')
          + '</td><td>' + esc(n.p.f === -2 ? '(root)' : fname(n.p.f)) + '</td><td class="num">'
          + pct(share(n.b[m], r.b[m])) + '</td></tr>';
    });
    $('only-base').hidden = rows.length === 0;
    $('only-base').querySelector('tbody').innerHTML = html.join('');
  }

  // ---- controls ---------------------------------------------------------------------------------------------
  function zoomTo(n) {
    if (n === state.zoom) return;
    state.stack.push(state.zoom);
    state.zoom = n;
    render();
  }
  chart.addEventListener('click', function (e) {
    var el = e.target.closest('.box');
    if (el) zoomTo(state.boxes[+el.dataset.i].n);
  });
  var tip = $('tip');
  chart.addEventListener('mouseover', function (e) {
    var el = e.target.closest('.box');
    if (!el) return;
    var text = describe(state.boxes[+el.dataset.i].n);
    tip.textContent = text;
    $('details').textContent = text;
    tip.hidden = false;
  });
  chart.addEventListener('mousemove', function (e) {
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) x = Math.max(0, e.clientX - tip.offsetWidth - 14);
    if (y + tip.offsetHeight > window.innerHeight) y = Math.max(0, e.clientY - tip.offsetHeight - 14);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
  chart.addEventListener('mouseleave', function () { tip.hidden = true; });
  $('back').addEventListener('click', function () {
    if (state.stack.length) { state.zoom = state.stack.pop(); render(); }
  });
  function reset() { state.stack = []; state.zoom = state.root; render(); }
  $('reset').addEventListener('click', reset);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') reset();
  });
  $('flip').addEventListener('click', function () { state.icicle = !state.icicle; render(); });
  $('search').addEventListener('input', function () { setQuery(); render(); });
  $('regex').addEventListener('change', function () { setQuery(); render(); });
  var threads = $('threads');
  selections.forEach(function (s) {
    var o = document.createElement('option');
    o.value = s.key;
    o.textContent = s.label;
    threads.appendChild(o);
  });
  threads.disabled = selections.length < 2;
  threads.addEventListener('change', function () {
    state.sel = selections.filter(function (s) { return s.key === threads.value; })[0];
    build();
    render();
  });
  var metric = $('metric');
  D.metrics.forEach(function (mt, i) {
    var o = document.createElement('option');
    o.value = String(i);
    o.textContent = mt[0] + (mt[1] === 'us' ? ' (time)' : ' (bytes)');
    metric.appendChild(o);
  });
  $('metric-label').hidden = M < 2;
  metric.addEventListener('change', function () {
    state.metric = +metric.value;
    diffScale();
    onlyBase();
    render();
  });
  var pending = false;
  window.addEventListener('resize', function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  });

  $('title').textContent = D.title + (DIFF ? ' \u2014 differential flame graph' : ' \u2014 flame graph');
  $('legend').innerHTML = DIFF
    ? 'Boxes are the new profile\u2019s call tree. Colour: share of the new total minus share of the base total: '
      + '<span class="swatch"></span> blue colder, red hotter (darkest: the largest change).'
    : 'Width: ' + esc(D.metrics.map(function (m) { return m[0]; }).join(' / ')) + ' of the frame and its callees. '
      + 'Mode: ' + esc(D.mode) + '.';

  build();
  onlyBase();
  render();

  // A hook for tests and scripts: what is drawn, and the state of the controls.
  window.austin = {
    boxes: function () {
      return state.boxes.map(function (b) {
        return { name: fname(b.n.f), file: ffile(b.n.f), line: fline(b.n.f), x: b.x, w: b.w, depth: b.d,
          ancestor: b.anc, match: !!b.match, colour: colour(b.n), value: b.n.v[state.metric],
          base: DIFF ? b.n.b[state.metric] : null, change: DIFF ? change(b.n) : null };
      });
    },
    state: function () {
      return { selection: state.sel.key, selections: selections.map(function (s) { return s.key; }),
        metric: state.metric, metrics: D.metrics.map(function (m) { return m[0]; }), total: state.root.v[state.metric],
        samples: state.root.n, zoom: fname(state.zoom.f), zoomDepth: state.zoom.d, icicle: state.icicle,
        matched: state.matched, matchedShare: share(state.matched, state.root.v[state.metric]),
        pruned: +$('summary').dataset.pruned, width: chart.clientWidth, diff: DIFF, nodes: D.nodes };
    },
    firstRender: performance.now()
  };
})();
