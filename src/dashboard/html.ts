// The dashboard's HTML: one layout (mobile-first, no script, inline CSS so a page is one request on a slow
// network) and one escape. Every page is rendered on the server; charts arrive as inline SVG.
export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A trusted fragment of HTML (built with esc) — the only thing layout() puts in unescaped. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

/** html`…${x}…`: values are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += Array.isArray(v) ? v.map((x) => (x instanceof Html ? x.value : esc(x))).join('') : v instanceof Html ? v.value : esc(v);
    out += strings[i + 1]!;
  });
  return new Html(out);
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.55 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#222;background:#f5f5f5}
header{background:#b71c1c;color:#fff;padding:10px 14px;display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}
header a,header button{color:#fff}header h1{font-size:17px;margin:0}
header form{margin:0}header button{background:none;border:1px solid #fff8;border-radius:4px;padding:2px 8px;font:inherit;cursor:pointer}
main{max-width:1200px;margin:0 auto;padding:12px}
nav.crumbs{font-size:13px;margin:4px 0 10px;color:#666}nav.crumbs a{color:#b71c1c}
section{background:#fff;border-radius:8px;padding:12px 14px;margin:0 0 12px;box-shadow:0 1px 2px #0001}
section h2{font-size:16px;margin:0 0 8px;border-left:4px solid #b71c1c;padding-left:8px}
.grid{display:grid;grid-template-columns:1fr;gap:12px}@media(min-width:900px){.grid{grid-template-columns:1fr 1fr}}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{padding:5px 6px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;min-width:7em}th{background:#fafafa;font-weight:600}
.scroll{overflow-x:auto}.muted{color:#888;font-size:13px}.warn{color:#c62828;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(2,1fr);gap:8px}@media(min-width:700px){.cards{grid-template-columns:repeat(4,1fr)}}
.card{background:#fff7f7;border-radius:6px;padding:8px 10px}.card b{display:block;font-size:20px;color:#b71c1c}
.chart svg{max-width:100%;height:auto}a{color:#b71c1c}
.downloads a{display:inline-block;margin:2px 8px 2px 0}
`;

/** A whole page. `signedIn` shows the name and the sign-out button (a form with the CSRF token). */
export function layout(p: { title: string; body: Html; signedIn?: { name: string; csrfToken: string } }): string {
  const user = p.signedIn
    ? html`<form method="post" action="/dashboard/logout"><span>${p.signedIn.name}</span> <input type="hidden" name="_csrf" value="${p.signedIn.csrfToken}"><button type="submit">退出</button></form>`
    : html``;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${esc(p.title)} · 党内激励关怀帮扶</title><style>${CSS}</style></head>` +
    `<body><header><h1>党内激励关怀帮扶工作台</h1>${user.value}</header><main>${p.body.value}</main></body></html>`;
}

/** A page that only says something (refused link, signed out, not found). */
export function messagePage(title: string, lines: string[]): string {
  return layout({ title, body: html`<section><h2>${title}</h2>${lines.map((l) => html`<p>${l}</p>`)}</section>` });
}
