// The alert form's map: an enhancement of the polygon field. It draws the municipality's
// address points (no map tiles: it works offline and sends nothing to third parties); a click
// adds a corner of the polygon, which is written into the field in CAP notation
// ("lat,lon lat,lon …", the first point again at the end), and the page says how many
// addresses the area covers. Without JavaScript the field, the circle and the localities work
// as before.
(function () {
  'use strict';
  var box = document.getElementById('alert-map');
  var field = document.getElementById('polygon');
  if (!box || !field || !window.fetch) return;
  var NS = 'http://www.w3.org/2000/svg';
  var W = 640;
  var status = document.getElementById('alert-map-status');

  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function parse(text) {
    var out = [];
    text.trim().split(/\s+/).forEach(function (pair) {
      var p = pair.split(',');
      var lat = parseFloat(p[0]), lon = parseFloat(p[1]);
      if (p.length === 2 && isFinite(lat) && isFinite(lon)) out.push([lat, lon]);
    });
    if (out.length > 3 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) {
      out.pop();
    }
    return out;
  }

  function inside(pt, poly) {
    var hit = false;
    for (var i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      var a = poly[i], b = poly[j];
      if ((a[0] > pt[0]) !== (b[0] > pt[0]) &&
          pt[1] < (b[1] - a[1]) * (pt[0] - a[0]) / (b[0] - a[0]) + a[1]) hit = !hit;
    }
    return hit;
  }

  fetch(box.getAttribute('data-points'), { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (data) {
      var points = data.points || [];
      if (points.length === 0) return;
      var lat0 = Infinity, lat1 = -Infinity, lon0 = Infinity, lon1 = -Infinity;
      points.forEach(function (p) {
        lat0 = Math.min(lat0, p[0]); lat1 = Math.max(lat1, p[0]);
        lon0 = Math.min(lon0, p[1]); lon1 = Math.max(lon1, p[1]);
      });
      var padLat = (lat1 - lat0) * 0.08 || 0.01, padLon = (lon1 - lon0) * 0.08 || 0.01;
      lat0 -= padLat; lat1 += padLat; lon0 -= padLon; lon1 += padLon;
      // Equirectangular, with longitude shortened by cos(latitude): true to shape at this scale.
      var k = Math.cos((lat0 + lat1) / 2 * Math.PI / 180);
      var H = Math.round(W * (lat1 - lat0) / ((lon1 - lon0) * k));
      H = Math.max(200, Math.min(H, 900));
      var x = function (lon) { return (lon - lon0) / (lon1 - lon0) * W; };
      var y = function (lat) { return (lat1 - lat) / (lat1 - lat0) * H; };
      var svg = el('svg', {
        viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img',
        'aria-labelledby': 'alert-map-hint', 'class': 'alert-map-canvas'
      });
      svg.appendChild(el('rect', { x: 0, y: 0, width: W, height: H, fill: '#f4f6f8', stroke: '#5a6470' }));
      var dots = points.map(function (p) {
        var c = el('circle', { cx: x(p[1]).toFixed(1), cy: y(p[0]).toFixed(1), r: 3, fill: '#5a6470' });
        svg.appendChild(c);
        return c;
      });
      var shape = el('polygon', { points: '', fill: 'rgba(176,0,32,0.15)', stroke: '#b00020', 'stroke-width': 2 });
      svg.appendChild(shape);
      var corners = el('g', {});
      svg.appendChild(corners);
      var poly = parse(field.value);

      function draw() {
        shape.setAttribute('points', poly.map(function (p) {
          return x(p[1]).toFixed(1) + ',' + y(p[0]).toFixed(1);
        }).join(' '));
        while (corners.firstChild) corners.removeChild(corners.firstChild);
        poly.forEach(function (p) {
          corners.appendChild(el('circle', { cx: x(p[1]).toFixed(1), cy: y(p[0]).toFixed(1), r: 5, fill: '#b00020' }));
        });
        var n = 0;
        points.forEach(function (p, i) {
          var hit = poly.length >= 3 && inside(p, poly);
          if (hit) n++;
          dots[i].setAttribute('fill', hit ? '#b00020' : '#5a6470');
        });
        if (status) {
          status.textContent = status.getAttribute('data-template')
            .replace('{points}', String(poly.length)).replace('{inside}', String(n));
        }
      }

      function write() {
        if (poly.length < 3) { field.value = ''; return; }
        var closed = poly.concat([poly[0]]);
        field.value = closed.map(function (p) { return p[0].toFixed(6) + ',' + p[1].toFixed(6); }).join(' ');
      }

      svg.addEventListener('click', function (ev) {
        var m = svg.getScreenCTM();
        if (!m) return;
        var pt = svg.createSVGPoint();
        pt.x = ev.clientX; pt.y = ev.clientY;
        var local = pt.matrixTransform(m.inverse());
        var lon = lon0 + local.x / W * (lon1 - lon0);
        var lat = lat1 - local.y / H * (lat1 - lat0);
        poly.push([Math.round(lat * 1e6) / 1e6, Math.round(lon * 1e6) / 1e6]);
        write(); draw();
      });
      field.addEventListener('change', function () { poly = parse(field.value); draw(); });
      box.querySelectorAll('button[data-map]').forEach(function (b) {
        b.addEventListener('click', function () {
          if (b.getAttribute('data-map') === 'undo') poly.pop(); else poly = [];
          write(); draw();
        });
      });
      box.insertBefore(svg, box.querySelector('.alert-map-tools'));
      box.hidden = false;
      draw();
    })
    .catch(function () { /* the field works without the map */ });
})();
