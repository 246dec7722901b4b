/**
 * The emulator's browser page: a chat view (type as a user, tap inline buttons, see the bot's messages,
 * edits, deletions and answerCallbackQuery toasts live) and an inspector (deliveries, Bot API calls,
 * getWebhookInfo). One self-contained document with no dependencies, so it works offline. All text from
 * the bot is inserted with `textContent`, never as HTML.
 */
export const UI_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>telehook emulator</title>
<style>
  :root { --bg:#eef1f5; --panel:#fff; --line:#d8dee6; --me:#e1ffc7; --bot:#fff; --accent:#2a7ab8; --muted:#6b7785; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:#1c2733; height:100vh; display:grid; grid-template-columns: 220px 1fr 460px; }
  aside, main, section { min-height:0; }
  aside { background:var(--panel); border-right:1px solid var(--line); display:flex; flex-direction:column; }
  h1 { font-size:15px; margin:12px; }
  h1 small { display:block; color:var(--muted); font-weight:normal; }
  .chats { flex:1; overflow:auto; }
  .chat-item { padding:10px 12px; border-bottom:1px solid var(--line); cursor:pointer; }
  .chat-item.active { background:#dcebf7; }
  .chat-item small { color:var(--muted); display:block; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
  form.new-chat { padding:10px; border-top:1px solid var(--line); display:grid; gap:6px; }
  input, button { font:inherit; }
  input { padding:6px 8px; border:1px solid var(--line); border-radius:6px; }
  button { padding:6px 10px; border:0; border-radius:6px; background:var(--accent); color:#fff; cursor:pointer; }
  main { display:flex; flex-direction:column; border-right:1px solid var(--line); position:relative; }
  .chat-head { background:var(--panel); padding:10px 14px; border-bottom:1px solid var(--line); font-weight:600; }
  .messages { flex:1; overflow:auto; padding:14px; display:flex; flex-direction:column; gap:8px; background:#d5e3cd; }
  .msg { max-width:70%; padding:7px 10px; border-radius:10px; background:var(--bot); box-shadow:0 1px 1px rgba(0,0,0,.12); white-space:pre-wrap; word-wrap:break-word; }
  .msg.user { align-self:flex-end; background:var(--me); }
  .msg.deleted { opacity:.5; text-decoration:line-through; }
  .msg .meta { font-size:11px; color:var(--muted); text-align:right; margin-top:2px; }
  .keyboard { display:grid; gap:4px; margin-top:6px; }
  .keyboard .row { display:flex; gap:4px; }
  .keyboard button { flex:1; background:#f0f4f8; color:var(--accent); border:1px solid var(--line); }
  form.composer { display:flex; gap:8px; padding:10px; background:var(--panel); border-top:1px solid var(--line); }
  form.composer input { flex:1; }
  .toast { position:absolute; left:50%; top:60px; transform:translateX(-50%); background:rgba(30,40,50,.88); color:#fff; padding:8px 14px; border-radius:8px; display:none; }
  .empty { color:var(--muted); margin:auto; }
  section { background:var(--panel); display:flex; flex-direction:column; }
  .tabs { display:flex; border-bottom:1px solid var(--line); }
  .tabs button { background:none; color:var(--muted); border-radius:0; border-bottom:2px solid transparent; }
  .tabs button.active { color:var(--accent); border-bottom-color:var(--accent); }
  .log { flex:1; overflow:auto; font:12px/1.35 ui-monospace, SFMono-Regular, Menlo, monospace; }
  .entry { padding:6px 10px; border-bottom:1px solid var(--line); }
  .entry .head { display:flex; gap:8px; flex-wrap:wrap; }
  .ok { color:#23813a; } .bad { color:#b3261e; } .dim { color:var(--muted); }
  details pre { margin:4px 0 0; white-space:pre-wrap; word-break:break-all; background:#f6f8fa; padding:6px; border-radius:4px; }
</style>
</head>
<body>
<aside>
  <h1>telehook emulator<small id="bot-name"></small></h1>
  <div class="chats" id="chats"></div>
  <form class="new-chat" id="new-chat">
    <input id="new-name" placeholder="User name" value="Ada">
    <input id="new-id" placeholder="User id" value="1001" inputmode="numeric">
    <button type="submit">New chat</button>
  </form>
</aside>
<main>
  <div class="chat-head" id="chat-title">No chat selected</div>
  <div class="messages" id="messages" data-testid="messages"><div class="empty">Type /start below, or start another chat on the left.</div></div>
  <div class="toast" id="toast" data-testid="toast"></div>
  <form class="composer" id="composer">
    <input id="text" placeholder="Message" autocomplete="off" data-testid="composer">
    <button type="submit" data-testid="send">Send</button>
  </form>
</main>
<section>
  <div class="tabs">
    <button class="active" data-tab="deliveries">Deliveries</button>
    <button data-tab="calls">Bot API calls</button>
    <button data-tab="webhook">Webhook</button>
  </div>
  <div class="log" id="log" data-testid="inspector"></div>
</section>
<script>
"use strict";
const state = { data: null, chatId: null, users: {}, localChats: {}, tab: "deliveries", lastToastCall: -1 };
const $ = (id) => document.getElementById(id);
const el = (tag, props, ...children) => {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
};
const post = (path, body) => fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function refresh() {
  const response = await fetch("/_emulator/state");
  state.data = await response.json();
  if (state.lastToastCall === -1) state.lastToastCall = Math.max(-1, ...state.data.calls.map((c) => c.index));
  render();
}

function chatName(chat) {
  return chat.title || [chat.first_name, chat.last_name].filter(Boolean).join(" ") || String(chat.id);
}

function render() {
  const data = state.data;
  $("bot-name").textContent = "@" + data.bot.username;
  const chats = data.chats.concat(Object.values(state.localChats)
    .filter((chat) => !data.chats.some((c) => c.chat.id === chat.id))
    .map((chat) => ({ chat, messages: [] })));
  if (state.chatId === null && chats.length > 0) state.chatId = chats[0].chat.id;
  const list = $("chats");
  list.replaceChildren(...chats.map(({ chat, messages }) => {
    const last = messages.filter((m) => !m.deleted).at(-1);
    const item = el("div", { className: "chat-item" + (chat.id === state.chatId ? " active" : "") },
      chatName(chat), el("small", { textContent: last ? (last.text || last.caption || "[media]") : "" }));
    item.onclick = () => { state.chatId = chat.id; render(); };
    return item;
  }));
  const current = chats.find((c) => c.chat.id === state.chatId);
  const box = $("messages");
  if (!current) {
    $("chat-title").textContent = "No chat selected";
  } else {
    $("chat-title").textContent = chatName(current.chat) + "  ·  chat " + current.chat.id;
    const stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 30;
    box.replaceChildren(...current.messages.map((m) => renderMessage(m, data.bot.id)));
    if (stick) box.scrollTop = box.scrollHeight;
  }
  for (const call of data.calls) {
    if (call.index <= state.lastToastCall) continue;
    state.lastToastCall = call.index;
    if (call.method.toLowerCase() === "answercallbackquery" && call.response && call.response.ok && call.params.text) {
      showToast(String(call.params.text));
    }
  }
  renderInspector();
}

function renderMessage(m, botId) {
  const fromBot = m.from && m.from.id === botId;
  const node = el("div", { className: "msg" + (fromBot ? "" : " user") + (m.deleted ? " deleted" : "") });
  node.dataset.messageId = m.message_id;
  node.dataset.testid = fromBot ? "bot-message" : "user-message";
  node.append(el("div", { className: "text", textContent: m.text || m.caption || (m.photo ? "[photo]" : "[message]") }));
  const keyboard = m.reply_markup && m.reply_markup.inline_keyboard;
  if (Array.isArray(keyboard) && !m.deleted) {
    const kb = el("div", { className: "keyboard" });
    for (const row of keyboard) {
      const line = el("div", { className: "row" });
      for (const button of row) {
        const b = el("button", { type: "button", textContent: button.text });
        if (button.callback_data !== undefined) b.onclick = () => tap(m, button.callback_data);
        else if (button.url) b.onclick = () => showToast("Opens " + button.url);
        line.append(b);
      }
      kb.append(line);
    }
    node.append(kb);
  }
  const time = new Date(m.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  node.append(el("div", { className: "meta", textContent: (m.edit_date ? "edited " : "") + (m.deleted ? "deleted " : "") + time + " · #" + m.message_id }));
  return node;
}

function renderInspector() {
  const data = state.data;
  const log = $("log");
  for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.tab === state.tab);
  if (state.tab === "webhook") {
    log.replaceChildren(el("div", { className: "entry" }, el("pre", { textContent: JSON.stringify(data.webhookInfo, null, 2) })));
    return;
  }
  if (state.tab === "calls") {
    log.replaceChildren(...data.calls.slice().reverse().map((call) => {
      const ok = call.response ? call.response.ok : undefined;
      const head = el("div", { className: "head" },
        el("b", { textContent: call.method }),
        el("span", { className: "dim", textContent: call.source === "webhook-reply" ? "webhook reply" : "HTTP" }),
        el("span", { className: ok === undefined ? "dim" : ok ? "ok" : "bad", textContent: ok === undefined ? "pending" : ok ? "ok" : call.response.error_code + " " + call.response.description }));
      const details = el("details", {}, el("summary", { textContent: "parameters and result" }),
        el("pre", { textContent: JSON.stringify(call.params, null, 2) }),
        el("pre", { textContent: JSON.stringify(call.response, null, 2) }));
      return el("div", { className: "entry" }, head, details);
    }));
    return;
  }
  log.replaceChildren(...data.deliveries.slice().reverse().map((d) => {
    const ok = d.outcome === "delivered";
    const parts = [
      el("b", { textContent: "update " + d.updateId }),
      el("span", { textContent: d.updateType }),
      el("span", { className: ok ? "ok" : "bad", textContent: d.outcome + (d.status ? " " + d.status : "") }),
      el("span", { className: "dim", textContent: Math.round(d.finishedAt - d.startedAt) + " ms" }),
      el("span", { className: "dim", textContent: "attempt " + d.attempt }),
    ];
    if (d.retryInMs !== undefined) parts.push(el("span", { className: "dim", textContent: "retry in " + d.retryInMs / 1000 + " s" }));
    const entry = el("div", { className: "entry" }, el("div", { className: "head" }, ...parts));
    if (d.error) entry.append(el("div", { className: "bad", textContent: d.error }));
    return entry;
  }));
}

function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.style.display = "block";
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => { toast.style.display = "none"; }, 2500);
}

function userFor(chatId) {
  return state.users[chatId] || { userId: chatId > 0 ? chatId : 1001, firstName: "Ada" };
}

async function tap(message, data) {
  const user = userFor(message.chat.id);
  await post("/_emulator/tap", { chatId: message.chat.id, messageId: message.message_id, data, userId: user.userId, firstName: user.firstName });
}

$("composer").onsubmit = async (event) => {
  event.preventDefault();
  const input = $("text");
  const text = input.value.trim();
  if (!text) return;
  if (state.chatId === null) addChat();
  const user = userFor(state.chatId);
  input.value = "";
  await post("/_emulator/message", { chatId: state.chatId, userId: user.userId, firstName: user.firstName, text });
};

/** A private chat with the user in the form; it appears on the server with its first message. */
function addChat() {
  const userId = Number($("new-id").value);
  const firstName = $("new-name").value.trim() || "User";
  if (!Number.isSafeInteger(userId) || userId <= 0) return showToast("The user id must be a positive number");
  state.users[userId] = { userId, firstName };
  state.localChats[userId] = { id: userId, type: "private", first_name: firstName };
  state.chatId = userId;
  $("new-id").value = String(userId + 1);
  if (state.data) render();
  $("text").focus();
}

$("new-chat").onsubmit = (event) => {
  event.preventDefault();
  addChat();
};

for (const b of document.querySelectorAll(".tabs button")) b.onclick = () => { state.tab = b.dataset.tab; renderInspector(); };

const events = new EventSource("/_emulator/events");
events.addEventListener("change", () => { refresh().catch(() => {}); });
refresh().catch(() => {});
</script>
</body>
</html>
`;
