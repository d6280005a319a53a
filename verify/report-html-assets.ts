/**
 * The stylesheet and the script of the HTML report, inlined in the page. The
 * script reads only DOM attributes (never report data embedded in script
 * text), and the page's Content-Security-Policy allows exactly this script
 * by its hash: even a value that escaped escaping could not run.
 */

export const REPORT_CSS = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; --card:#fff;
  --ready:#1a7f37; --ready-bg:#dafbe1; --bad:#cf222e; --bad-bg:#ffebe9; --warn:#9a6700; --warn-bg:#fff8c5;
  --base:#8c959f; --cand:#0969da; --mark:#fff1a8; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: #24292f; color: #fff; padding: 20px 32px; }
header.top h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; display: flex; align-items: center; gap: 12px; }
header.top .meta { color: #d1d9e0; font-size: 13px; }
header.top .meta code { color: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; }
h2 { font-size: 17px; margin: 32px 0 12px; }
.pill { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; letter-spacing: .02em; }
.pill.pass, .verdict.ready { background: var(--ready-bg); color: var(--ready); }
.pill.fail, .verdict.not-ready { background: var(--bad-bg); color: var(--bad); }
.verdict.not-covered { background: var(--warn-bg); color: var(--warn); }
.verdict { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 24px; font-weight: 600; }
.card .v.good { color: var(--ready); } .card .v.bad { color: var(--bad); }
.card .s { color: var(--muted); font-size: 12px; }
.failures { background: var(--bad-bg); border: 1px solid #ffcecb; color: var(--bad); border-radius: 8px; padding: 10px 16px; margin-top: 16px; }
.failures ul { margin: 4px 0 0; padding-left: 20px; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0 12px; }
.toolbar button { font: inherit; font-size: 13px; padding: 4px 12px; border: 1px solid var(--line); background: var(--card); border-radius: 6px; cursor: pointer; }
.toolbar button[aria-pressed="true"] { background: #24292f; color: #fff; border-color: #24292f; }
.toolbar input { font: inherit; font-size: 13px; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; min-width: 220px; }
.toolbar .count { color: var(--muted); font-size: 13px; margin-left: auto; }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { white-space: nowrap; background: #f0f3f6; font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:last-child td { border-bottom: 0; }
tr.total td { font-weight: 600; background: #f6f8fa; }
td.route { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
.noise { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; color: var(--muted); }
.parity { display: flex; align-items: center; gap: 8px; justify-content: flex-end; }
.parity .bar { width: 60px; height: 6px; background: #eaeef2; border-radius: 3px; overflow: hidden; }
.parity .bar i { display: block; height: 100%; background: var(--ready); }
.parity .bar i.low { background: var(--bad); }
.bad-num { color: var(--bad); font-weight: 600; }
.charts { display: grid; grid-template-columns: 1fr; gap: 16px; }
.chart-card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.chart-card h3 { margin: 0 0 8px; font-size: 14px; }
svg.chart { display: block; max-width: 960px; font: 13px system-ui, sans-serif; }
svg.chart text { fill: var(--fg); }
svg.chart text.value, svg.chart text.ratio, svg.chart text.pct { fill: var(--muted); font-size: 11px; }
svg.chart text.total { font-weight: 700; }
svg.chart .axis { stroke: var(--line); }
svg.chart .sep { stroke: #eaeef2; }
.empty { color: var(--muted); font-style: italic; }
details.route-diffs { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin-bottom: 12px; }
details.route-diffs > summary { cursor: pointer; padding: 10px 16px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; display: flex; gap: 10px; align-items: center; }
details.route-diffs > summary .n { color: var(--muted); font-family: system-ui, sans-serif; }
.diffs { border-top: 1px solid var(--line); padding: 4px 16px 8px; }
.diff + .diff { border-top: 1px dashed var(--line); }
.reqs { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 8px; }
.reqs .req { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; word-break: break-all; }
.reqs .id, .reqs .more-reqs { color: var(--muted); }
.reqs .more-reqs { font-size: 12px; align-self: center; }
.diff .count { color: var(--muted); font-size: 12px; }
.diff { padding: 10px 0 12px; }
.diff .head { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; flex-wrap: wrap; }
.kind { font-size: 11px; font-weight: 600; text-transform: uppercase; padding: 1px 7px; border-radius: 4px; background: #ddf4ff; color: #0550ae; }
code.path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; padding: 1px 4px; border-radius: 4px; background: #f6f8fa; }
code.path .seg-root { color: var(--muted); }
code.path mark { background: var(--mark); color: var(--fg); font-weight: 700; border-radius: 3px; padding: 0 2px; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.side { border: 1px solid var(--line); border-radius: 6px; overflow: hidden; min-width: 0; }
.side .who { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; padding: 3px 10px; font-weight: 600; }
.side.primary .who { background: #f0f3f6; color: var(--muted); }
.side.candidate .who { background: #ddf4ff; color: #0550ae; }
.side pre { margin: 0; padding: 8px 10px; font-size: 12.5px; max-height: 320px; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.side.primary pre { background: #fff8f7; } .side.candidate pre { background: #f4fbf6; }
.absent { color: var(--muted); font-style: italic; }
.redacted { background: #24292f; color: #fff; border-radius: 3px; padding: 0 3px; font-size: 11px; }
pre.unified { margin: 8px 0 0; padding: 8px 0; font-size: 12.5px; border: 1px solid var(--line); border-radius: 6px; max-height: 320px; overflow: auto; background: #fff; }
pre.unified span { display: block; padding: 0 10px; white-space: pre-wrap; word-break: break-word; }
pre.unified .add { background: #dafbe1; } pre.unified .del { background: #ffebe9; }
pre.unified .hunk { color: #8250df; background: #fbefff; } pre.unified .meta { color: var(--muted); }
details.more { margin-top: 8px; }
details.more > summary { cursor: pointer; font-weight: 600; padding: 6px 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
`;

export const REPORT_JS = `(() => {
  const buttons = Array.from(document.querySelectorAll('[data-filter]'));
  const search = document.getElementById('route-search');
  const items = Array.from(document.querySelectorAll('[data-verdict]'));
  const rows = items.filter((el) => el.tagName === 'TR');
  const counter = document.getElementById('shown-count');
  let verdict = 'all';
  function apply() {
    const q = search.value.trim().toLowerCase();
    let shown = 0;
    for (const el of items) {
      const show = (verdict === 'all' || el.dataset.verdict === verdict) && (q === '' || el.dataset.route.includes(q));
      el.hidden = !show;
      if (show && el.tagName === 'TR') shown++;
    }
    counter.textContent = shown + ' of ' + rows.length + ' routes shown';
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.filter === verdict));
  }
  for (const b of buttons) b.addEventListener('click', () => { verdict = b.dataset.filter; apply(); });
  search.addEventListener('input', apply);
  const toggle = document.getElementById('toggle-diffs');
  toggle.addEventListener('click', () => {
    const all = Array.from(document.querySelectorAll('details.route-diffs'));
    const open = !all.every((d) => d.open);
    for (const d of all) d.open = open;
    toggle.textContent = open ? 'Collapse all differences' : 'Expand all differences';
  });
  apply();
})();`;
