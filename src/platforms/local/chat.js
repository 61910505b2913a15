// The local web chat's script (chat.html), served from /local/chat.js: the page's CSP allows scripts from this
// server only, never inline ones.
// Everything shown is built with createElement and textContent: names, messages and card fields come from
// the roster and from members, and none of it may become markup here.
import { markdownBlocks } from './markdown-view.js';

const MAX_BYTES = 2048;
const $ = (id) => document.getElementById(id);
const bytes = (s) => new TextEncoder().encode(s).length;

/** An element with attributes (set as properties or data-*) and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, String(v));
    else e[k] = v;
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

// ---- who is talking --------------------------------------------------------------------------------------
let me = null; // { userId, name, generalBranch, branch, roles }
try { me = JSON.parse(localStorage.getItem('pc-user') || 'null'); } catch { me = null; }
if (me && typeof me.userId !== 'string') me = null;

const placeOf = (u) => [u.generalBranch, u.branch, (u.roles || []).join('、')].filter(Boolean).join(' · ');
function showMe() {
  const who = $('who');
  who.replaceChildren(
    el('span', { class: 'name' }, me ? `${me.name || me.userId}（${me.userId}）` : '选择用户'),
    el('span', { class: 'place' }, me ? placeOf(me) || ' ' : '按姓名或账号搜索'),
  );
}
function choose(u) {
  me = { userId: u.userId, name: u.name, generalBranch: u.generalBranch, branch: u.branch, roles: u.roles };
  localStorage.setItem('pc-user', JSON.stringify(me));
  showMe();
  closePicker();
  shown = '';
  $('log').replaceChildren();
  $('notice').textContent = '';
  refresh();
}

let searchSeq = 0;
let searchTimer;
async function search() {
  const q = $('search').value.trim();
  const seq = ++searchSeq;
  let data;
  try {
    const r = await fetch('/local/users?limit=20&q=' + encodeURIComponent(q));
    data = await r.json();
    if (!r.ok) throw new Error(data.error?.message || '查询失败');
  } catch (err) {
    if (seq === searchSeq) $('pickhint').textContent = '查询失败：' + err.message;
    return;
  }
  if (seq !== searchSeq) return; // an older answer arriving late
  $('people').dataset.query = q;
  $('people').replaceChildren(...data.users.map((u) =>
    el('li', {}, el('button', { type: 'button', 'data-user': u.userId, onclick: () => choose(u) },
      el('strong', {}, u.name), ' ', el('span', { class: 'meta' }, u.userId),
      el('div', { class: 'meta' }, placeOf(u))))));
  $('pickhint').textContent = data.users.length === 0 ? `没有找到“${q}”，请换个姓名或账号试试。`
    : data.more ? `仅显示前 ${data.users.length} 位，请输入更完整的姓名缩小范围。` : `共 ${data.users.length} 位。`;
}
function openPicker() {
  $('picker').classList.add('open');
  $('search').focus();
  search();
}
function closePicker() { $('picker').classList.remove('open'); }
$('who').onclick = openPicker;
$('pickclose').onclick = closePicker;
$('picker').onclick = (e) => { if (e.target === $('picker')) closePicker(); };
$('search').oninput = () => { clearTimeout(searchTimer); searchTimer = setTimeout(search, 150); };
$('search').onkeydown = (e) => {
  if (e.key === 'Escape') closePicker();
  if (e.key === 'Enter') { e.preventDefault(); const first = $('people').querySelector('button'); if (first) first.click(); }
};

// ---- messages ------------------------------------------------------------------------------------------
function inlineNodes(nodes) {
  return nodes.map((n) => {
    switch (n.t) {
      case 'strong': return el('strong', {}, inlineNodes(n.children));
      case 'color': return el('span', { class: 'font-' + n.color }, inlineNodes(n.children));
      case 'code': return el('code', {}, n.text);
      case 'link': {
        // Only http(s) links reach here (markdown-view.js); the address is shown, so nobody clicks blind.
        const a = el('a', { href: n.href, target: '_blank', rel: 'noopener noreferrer' }, n.text || n.href);
        return n.text && n.text !== n.href ? [a, el('span', { class: 'url' }, `（${n.href}）`)] : a;
      }
      default: return n.text;
    }
  }).flat();
}
function markdownView(content) {
  return markdownBlocks(String(content ?? '')).map((b) =>
    b.type === 'heading' ? el('div', { class: `md-h md-h${b.level}` }, inlineNodes(b.children))
    : b.type === 'quote' ? el('blockquote', {}, inlineNodes(b.children))
    : el('div', { class: 'md-p' }, inlineNodes(b.children)));
}
// A card in the neutral model (src/platforms/types.ts Card): title, description, note, [label, value] fields,
// buttons that post their actionKey with the card's taskId.
function cardView(card) {
  const c = card && typeof card === 'object' ? card : {};
  const fields = Array.isArray(c.fields) ? c.fields.filter(Array.isArray) : [];
  const buttons = Array.isArray(c.buttons) ? c.buttons : [];
  return [
    el('div', { class: 'source' }, '党员关怀助手'),
    el('div', { class: 'title' }, c.title || '卡片'),
    c.description ? el('div', { class: 'desc' }, c.description) : null,
    c.note ? el('div', { class: 'note' }, c.note) : null,
    fields.length ? el('div', { class: 'fields' }, fields.map(([label, value]) => el('div', {}, el('span', { class: 'k' }, label), el('span', {}, value)))) : null,
    buttons.length ? el('div', { class: 'btns' }, buttons.map((x) =>
      el('button', { type: 'button', class: x.style === 'primary' ? 'primary' : '', 'data-card': x.actionKey, 'data-task': c.taskId,
        onclick: () => post({ cardKey: String(x.actionKey), taskId: String(c.taskId ?? '') }) }, x.text))) : null,
  ];
}
const STATUS = { pending: '待发送', sending: '发送中', failed: '发送失败' };
function view(m) {
  const b = m.body || {};
  if (m.dir === 'in') {
    return b.kind === 'text' ? el('div', { class: 'msg in text' }, m.label)
      : el('div', { class: 'msg in action' }, `「${m.label}」`);
  }
  const status = m.status !== 'sent' ? el('div', { class: 'status' }, STATUS[m.status] || m.status) : null;
  switch (b.type) {
    case 'text': return el('div', { class: 'msg out text' }, b.content, status);
    case 'markdown': return el('div', { class: 'msg out markdown' }, markdownView(b.content), status);
    case 'card': return el('div', { class: 'msg out card' }, cardView(b.card), status);
    case 'card_update': return el('div', { class: 'msg out system' }, `卡片已更新为：${b.replaceName}`);
    default: return el('div', { class: 'msg out text' }, JSON.stringify(b), status);
  }
}

let shown = '';
/** Set when this page sent something: the answer is scrolled into view even if the reader had scrolled up. */
let followNext = false;
async function refresh() {
  if (!me) return;
  const userId = me.userId;
  let list;
  try {
    const r = await fetch('/local/messages?userId=' + encodeURIComponent(userId));
    if (!r.ok) return;
    list = await r.json();
  } catch { return; }
  if (!me || me.userId !== userId) return;
  const key = JSON.stringify(list);
  if (key === shown) return;
  const log = $('log');
  const atBottom = shown === '' || followNext || log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  shown = key;
  log.replaceChildren(...list.map(view));
  if (atBottom) log.scrollTop = log.scrollHeight;
  // Keep following until the bot's answer is in (a few refreshes), then leave the reader where they are.
  if (followNext && list.length && list[list.length - 1].dir === 'out') followNext = false;
}

/** Sends one action; true when the server took it. A refusal is shown under the text box. */
async function post(body) {
  if (!me) { $('notice').textContent = '请先在顶部选择一个用户。'; openPicker(); return false; }
  try {
    const r = await fetch('/local/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: me.userId, ...body }) });
    if (!r.ok) {
      const e = await r.json().catch(() => ({}));
      $('notice').textContent = '未发送：' + (e.error?.message || `服务器拒绝（${r.status}）`);
      return false;
    }
  } catch {
    $('notice').textContent = '网络错误，未发送，请稍后重试。';
    return false;
  }
  $('notice').textContent = '';
  followNext = true;
  setTimeout(refresh, 200);
  return true;
}

// ---- the text box ---------------------------------------------------------------------------------------
const text = $('text');
function count() {
  const n = bytes(text.value);
  $('counter').textContent = n > MAX_BYTES ? `${n} / ${MAX_BYTES} 字节，超出 ${n - MAX_BYTES}` : `${n} / ${MAX_BYTES} 字节`;
  $('counter').classList.toggle('over', n > MAX_BYTES);
  return n;
}
text.oninput = count;
text.onkeydown = (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('composer').requestSubmit(); }
};
$('composer').onsubmit = async (e) => {
  e.preventDefault();
  const t = text.value;
  if (!t.trim()) return;
  const n = count();
  if (n > MAX_BYTES) {
    // Refused here, and the text stays in the box to be shortened.
    $('notice').textContent = `消息过长：共 ${n} 字节，超过 ${MAX_BYTES} 字节的上限（约 680 个汉字），请删减 ${n - MAX_BYTES} 字节后再发送。`;
    return;
  }
  if (await post({ text: t })) { text.value = ''; count(); }
};
$('enter').onclick = () => post({ event: 'enter_agent' });

// ---- the app menu ---------------------------------------------------------------------------------------
function closeMenus() { for (const s of document.querySelectorAll('#menu .sub.open')) s.classList.remove('open'); }
fetch('/local/menu').then((r) => r.json()).then((menu) => {
  $('menu').replaceChildren(...menu.map((m) => {
    if (!m.sub) return el('div', {}, el('button', { type: 'button', class: 'top', 'data-key': m.key, onclick: () => { closeMenus(); post({ eventKey: m.key }); } }, m.name));
    const sub = el('div', { class: 'sub' }, m.sub.map((s) => el('button', { type: 'button', 'data-key': s.key, onclick: () => { closeMenus(); post({ eventKey: s.key }); } }, s.name)));
    return el('div', {}, sub, el('button', { type: 'button', class: 'top', onclick: (e) => { e.stopPropagation(); const open = sub.classList.contains('open'); closeMenus(); if (!open) sub.classList.add('open'); } }, '☰ ' + m.name));
  }));
});
document.addEventListener('click', (e) => { if (!e.target.closest || !e.target.closest('#menu')) closeMenus(); });

showMe();
count();
if (me) refresh(); else openPicker();
setInterval(refresh, 1000);
