// The drafting page: list the workspace's notices, edit one by its parts, show the problems
// `tbkl check` finds next to their fields, preview the printed page, save the source.
// Plain modern JavaScript, no dependency: every number, label and rule comes from the server,
// which runs the same pipeline as `tbkl check` and `tbkl render`.

const TOKEN = document.querySelector('meta[name="tbkl-token"]').content;
// The path the workspace's page lives under: "" for the single-user page, "/w/<name>" with accounts.
const BASE = document.querySelector('meta[name="tbkl-base"]')?.content || "";
const $ = (selector, root = document) => root.querySelector(selector);
const CHECK_PAUSE_MS = 120;     // a pause in typing this long refreshes the preview
const EXACT_PAUSE_MS = 3000;    // a pause this long refreshes the exact page, when it is shown
const DRAFT_PAUSE_MS = 2000;    // a pause this long keeps a draft beside the source (never the source itself)
const LEVEL = { muc: 0, khoan: 1, diem: 2, gach: 3, cong: 4 };
const KIND_NAMES = {
  doan: "Đoạn văn", muc: "Mục (I.)", khoan: "Khoản (1.)", diem: "Điểm (a)", gach: "Gạch đầu dòng (-)", cong: "Dấu cộng (+)",
};
const TABLE_NAME = "Bảng";
// A leaf block: placed where a paragraph would go, never holding blocks.
const isLeaf = (kind) => kind === "doan" || kind === "bang";

const state = {
  workspace: null,
  path: null,
  base: "",          // the source text as opened or last saved: saving keeps its comments
  version: null,     // hash of the file on disk when opened or saved
  data: null,        // the notice's data, as the source says it (keys of the source format)
  tree: [],          // the body as an outline of nodes {kind, text, tieu_de, children, extra} (a table: kind "bang", rows)
  appendices: [],    // the appendices: {ten, extra, tree} each, tree an outline like the body's
  appendixLabels: [],
  current: null,     // the outline node being edited
  savedJson: "",
  checkSeq: 0,
  edits: 0,          // edits so far: a check answers for the edits made before it was sent
  checkTimer: null,
  exactTimer: null,
  draftTimer: null,
  exactStale: true,
  lastField: null,
  refreshMs: [],
  meeting: null,     // the meeting the document takes from another source, as the last check read it
};
window.tbklRefreshMs = state.refreshMs;
// What the history panel (history.js) uses of the page.
window.tbklPage = {
  path: () => state.path,
  apiJson: (...args) => apiJson(...args),
  banner: (...args) => banner(...args),
  reopen: (...args) => openNotice(...args),
  unsaved: () => isDirty(),
};

// --- talking to the server -------------------------------------------------------------------

export async function api(path, { method = "GET", json, body, headers = {} } = {}) {
  const options = { method, headers: { "X-Tbkl-Token": TOKEN, ...headers }, credentials: "same-origin" };
  if (json !== undefined) {
    options.body = JSON.stringify(json);
    options.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    options.body = body;
  }
  let response = await reach(BASE + path, options);
  // A connection dropped on the way (the office's network, the server restarted): a read is asked once
  // more; a write is not repeated (it may have been done). Either way the person is told, not left waiting.
  if (!response && method === "GET") response = await new Promise((resume) => setTimeout(resume, RETRY_MS)).then(() => reach(BASE + path, options));
  if (!response) return unreachable();
  if (response.status === 401 && BASE) location.assign(`/dang-nhap?tiep=${encodeURIComponent(BASE + "/")}`);
  return response;
}

const RETRY_MS = 500;   // the pause before a read whose connection dropped is asked again

/** fetch's answer, or null when no answer came (the connection failed). */
async function reach(url, options) {
  try { return await fetch(url, options); } catch { return null; }
}

/** The answer given for a request that reached no server: every caller reads it as the server's refusal. */
function unreachable() {
  const loi = "Không kết nối được với máy chủ: kiểm tra mạng rồi thử lại.";
  return new Response(JSON.stringify({ loi }), { status: 503, headers: { "Content-Type": "application/json" } });
}

export async function apiJson(path, options) {
  const response = await api(path, options);
  let payload = null;
  try { payload = await response.json(); } catch { payload = { loi: `máy chủ trả lời lỗi ${response.status}` }; }
  if (payload && payload.lich_su) window.dispatchEvent(new CustomEvent("tbkl-lich-su", { detail: payload.lich_su }));  // history.js
  return { ok: response.ok, status: response.status, payload };
}

export function status(text) { $("#status").textContent = text; }

/** Whether the person may take action here: the server marks <body> with `khong-<action>` for each action of its
    one table (service/people.ALLOWED) the person's roles do not allow; the server refuses those requests anyway. */
export function may(action) { return !document.body.classList.contains(`khong-${action}`); }

// --- what other parts of the page (review.js) read and hear -----------------------------------

/** The open notice: its path, its data as the form holds it, the version opened, whether it has unsaved edits. */
export function currentNotice() {
  return state.path ? { path: state.path, data: currentData(), version: state.version, dirty: isDirty() } : null;
}

/** The workspace's notices as listed (path, nam, so, ngay, trich_yeu). */
export function listedNotices() { return state.workspace?.thong_bao || []; }

export { status as showStatus, banner as showBanner };

function tell(name) { document.dispatchEvent(new CustomEvent(name, { detail: { path: state.path } })); }

export function banner(text, { error = false, actions = [] } = {}) {
  const element = $("#banner");
  element.replaceChildren();
  if (!text) { element.hidden = true; return; }
  element.hidden = false;
  element.className = error ? "banner error" : "banner";
  element.append(document.createTextNode(text));
  for (const [label, handler, id] of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    if (id) button.id = id;
    button.addEventListener("click", handler);
    element.append(button);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "link";
  close.textContent = "✕";
  close.title = "Đóng";
  close.addEventListener("click", () => banner(""));
  element.append(close);
}

// --- the list of notices ---------------------------------------------------------------------

async function showList() {
  if (state.path && isDirty() && !confirm("Thông báo đang soạn chưa được lưu. Vẫn rời trang soạn?")) return;
  state.path = null;
  document.body.classList.add("listing");
  $("#editor-view").hidden = true;
  $("#list-view").hidden = false;
  $("#counts").hidden = true;
  status("");
  history.replaceState(null, "", `${BASE}/`);
  await loadWorkspace();
}

// The list is filtered and paged by the server (GET /api/workspace: a page of rows and the counts),
// so that an office's tens of thousands of documents never travel to the browser at once.
const listQuery = { trang: 1 };

function listParams() {
  const params = new URLSearchParams();
  const search = $("#search").value.trim();
  if (search) params.set("q", search);
  for (const [id, key] of [["#filter-year", "nam"], ["#filter-kind", "loai"], ["#filter-state", "trang_thai"]]) {
    if ($(id).value) params.set(key, $(id).value);
  }
  if (listQuery.trang > 1) params.set("trang", String(listQuery.trang));
  const text = params.toString();
  return text ? `?${text}` : "";
}

// Until the first answer, the list says it is being read: after the server's start, an office's
// tens of thousands of documents may still be read in the background for half a minute.
function listWaiting() {
  const body = $("#notices");
  if (state.workspace || body.children.length) return;
  const row = document.createElement("tr");
  const cell = Object.assign(document.createElement("td"), { colSpan: 5, className: "empty" });
  cell.textContent = "Đang đọc danh sách văn bản…";
  row.append(cell);
  body.append(row);
}

async function loadWorkspace() {
  const seq = (listQuery.seq = (listQuery.seq || 0) + 1);
  listWaiting();
  const { ok, payload } = await apiJson(`/api/workspace${listParams()}`);
  if (seq !== listQuery.seq) return;   // a newer filter's answer is on its way
  if (!ok) {
    if (!state.workspace) $("#notices").replaceChildren();
    banner(payload.loi, { error: true });
    return;
  }
  state.workspace = payload;
  const list = $("#recipient-suggestions");
  list.replaceChildren(...payload.noi_nhan.map((text) => Object.assign(document.createElement("option"), { value: text })));
  drawKindOptions();
  drawFilters();
  drawList();
}

let searchTimer = 0;
function filterChanged({ typed = false } = {}) {
  listQuery.trang = 1;
  clearTimeout(searchTimer);
  searchTimer = setTimeout(loadWorkspace, typed ? 250 : 0);
}

function turnPage(step) {
  listQuery.trang = Math.max(1, listQuery.trang + step);
  loadWorkspace();
}

function fillSelect(select, everything, options) {
  const chosen = select.value;
  select.replaceChildren(new Option(everything, ""), ...options.map(([value, label]) => new Option(label, value)));
  select.value = options.some(([value]) => value === chosen) ? chosen : "";
}

function drawFilters() {
  const counts = state.workspace.dem || { nam: {}, loai: {}, trang_thai: {} };
  const number = (n) => n.toLocaleString("vi-VN");
  const years = Object.keys(counts.nam).filter(Boolean).sort((a, b) => b - a);
  fillSelect($("#filter-year"), "Mọi năm", years.map((year) => [year, `Năm ${year} (${number(counts.nam[year])})`]));
  const forms = state.workspace.loai || [];
  fillSelect($("#filter-kind"), "Mọi loại văn bản", forms.filter((form) => counts.loai[form.loai]).map((form) => [form.loai, `${form.ten} (${number(counts.loai[form.loai])})`]));
  const labels = state.workspace.trang_thai_ten || {};
  fillSelect($("#filter-state"), "Mọi trạng thái", Object.keys(labels).filter((key) => counts.trang_thai[key]).map((key) => [key, `${labels[key][0].toUpperCase()}${labels[key].slice(1)} (${number(counts.trang_thai[key])})`]));
}

// The rows are kept across redraws: a notice still listed keeps its row (the same elements, moved
// only when the order changed), so a click begun on "Mở" while the list is drawn again (a search's
// answer) ends on the element it began on and opens that notice. The clicks are heard once, on the
// list, by the row's data-path: no handler is tied to an element a redraw may replace.
function rowCells(notice) {
  const kind = notice.loai && notice.loai !== (state.workspace.loai || [])[0]?.loai ? (state.workspace.loai || []).find((form) => form.loai === notice.loai) : null;
  return [notice.nam ?? "", notice.so ?? null, notice.ngay ?? "", notice.trich_yeu || notice.path, kind?.ten || ""];
}

function drawRow(row, notice) {
  const cells = rowCells(notice);
  const drawn = JSON.stringify(cells);
  if (row.dataset.drawn === drawn) return;   // as it is: nothing under the pointer is replaced
  row.dataset.drawn = drawn;
  const [year, number, day, summary, kind] = cells;
  const tds = [...row.children];
  const texts = [year, number === null ? "dự thảo" : number, day];
  texts.forEach((text, index) => {
    tds[index].textContent = text;
    tds[index].className = index === 1 && number === null ? "draft" : "";
  });
  tds[3].replaceChildren(...(kind ? [Object.assign(document.createElement("span"), { className: "kind-tag", textContent: kind }), " ", summary] : [summary]));
}

function newRow(notice) {
  const row = document.createElement("tr");
  row.dataset.path = notice.path;
  for (let index = 0; index < 4; index += 1) row.append(document.createElement("td"));
  row.children[3].classList.add("summary");
  const actions = document.createElement("td");
  actions.className = "actions";
  const open = Object.assign(document.createElement("button"), { type: "button", textContent: "Mở" });
  open.dataset.action = "mo";
  const copy = Object.assign(document.createElement("button"), { type: "button", textContent: "Sao thành bản mới" });
  copy.dataset.action = "sao";
  copy.dataset.quyen = "soan";
  actions.append(open, " ", copy);
  row.append(actions);
  return row;
}

function listClicked(event) {
  const row = event.target.closest?.("tr[data-path]");
  if (!row || !row.isConnected) return;
  const action = event.type === "dblclick" ? (event.target.closest("button") ? null : "mo") : event.target.closest("button[data-action]")?.dataset.action;
  if (action === "mo") openNotice(row.dataset.path);
  else if (action === "sao") copyNotice(row.dataset.path);
}

function drawList() {
  const body = $("#notices");
  const kept = new Map([...body.querySelectorAll(":scope > tr[data-path]")].map((row) => [row.dataset.path, row]));
  const listed = state.workspace.thong_bao.map((notice) => {
    const row = kept.get(notice.path) || newRow(notice);
    kept.delete(notice.path);
    drawRow(row, notice);
    return row;
  });
  [...body.children].forEach((child) => { if (!child.dataset.path || kept.has(child.dataset.path)) child.remove(); });
  listed.forEach((row, index) => { if (body.children[index] !== row) body.insertBefore(row, body.children[index] || null); });
  const total = state.workspace.tong ?? state.workspace.thong_bao.length;
  const matched = state.workspace.khop ?? state.workspace.thong_bao.length;
  if (!body.children.length) {
    const row = document.createElement("tr");
    const cell = Object.assign(document.createElement("td"), { colSpan: 5, className: "empty" });
    cell.textContent = total
      ? "Không có văn bản nào khớp với từ tìm kiếm và bộ lọc."
      : may("soan") ? "Chưa có văn bản nào. Ghi trích yếu ở trên rồi bấm “+ Văn bản mới”, hoặc nhập từ tệp Word." : "Chưa có văn bản nào.";
    row.append(cell);
    body.append(row);
  }
  const rows = state.workspace.so_dong || matched || 1;
  const first = ((state.workspace.trang || 1) - 1) * rows;
  const number = (n) => n.toLocaleString("vi-VN");
  $("#pager").hidden = matched <= rows && first === 0;
  $("#page-info").textContent = matched
    ? `Văn bản ${number(first + 1)}–${number(first + state.workspace.thong_bao.length)} trong ${number(matched)} văn bản khớp (cả thư mục: ${number(total)})`
    : "";
  $("#page-prev").disabled = first === 0;
  $("#page-next").disabled = first + rows >= matched;
  tell("tbkl:listed");
}

async function newNotice(event) {
  event.preventDefault();
  const title = $("#new-title").value.trim();
  if (!title) { banner(`Hãy ghi ${$("#new-title").getAttribute("aria-label").toLowerCase()} trước.`, { error: true }); $("#new-title").focus(); return; }
  const loai = $("#new-kind").value || undefined;
  const { ok, payload } = await apiJson("/api/new", { method: "POST", json: { trich_yeu: title, loai } });
  if (!ok) { banner(payload.loi, { error: true }); return; }
  $("#new-title").value = "";
  banner(`Đã tạo ${payload.path} từ giá trị mặc định của văn phòng.`);
  await openNotice(payload.path, { keepBanner: true });
}

async function copyNotice(path) {
  const { ok, payload } = await apiJson("/api/copy", { method: "POST", json: { path } });
  if (!ok) { banner(payload.loi, { error: true }); return; }
  banner(`Đã sao thành ${payload.path} (chưa có số, ngày để trống).`);
  await openNotice(payload.path, { keepBanner: true });
}

async function importWord(file) {
  if (!file) return;
  status(`Đang nhập ${file.name}…`);
  const { ok, payload } = await apiJson("/api/import", {
    method: "POST",
    body: file,
    headers: { "Content-Type": "application/octet-stream", "X-File-Name": encodeURIComponent(file.name) },
  });
  status("");
  if (!ok || !payload.path) { banner(payload.thong_bao || payload.loi, { error: true }); return; }
  await openNotice(payload.path, { keepBanner: true });
  showImportReport(payload.path, payload.bao_cao || {});
}

// --- the import report: a short list, folded, in the drafter's words and millimetres -------------

const IMPORT_KINDS = [
  ["sửa", (n) => `đã sửa ${n} chỗ`],
  ["cần sửa tay", (n) => `${n} chỗ cần sửa tay`],
  ["cảnh báo", (n) => `${n} cảnh báo`],
  ["ND30", (n) => `bản gốc sai ${n} điều của Nghị định 30`],
];

function showImportReport(path, report) {
  const element = $("#banner");
  element.replaceChildren();
  element.hidden = false;
  element.className = "banner import-report";
  const parts = IMPORT_KINDS.filter(([kind]) => (report[kind] || []).length).map(([kind, words]) => words(report[kind].length));
  const details = document.createElement("details");
  details.id = "import-report";
  const summary = document.createElement("summary");
  summary.textContent = `Đã nhập thành ${path}` + (parts.length ? `: ${parts.join(", ")}` : "");
  details.append(summary);
  for (const [kind, words] of IMPORT_KINDS) {
    const findings = report[kind] || [];
    if (!findings.length) continue;
    details.append(Object.assign(document.createElement("h4"), { textContent: words(findings.length) }));
    const list = document.createElement("ul");
    for (const finding of findings) {
      const item = document.createElement("li");
      // the paragraph as the original had it, a link to the block it became (the file's paragraph numbers are not the form's)
      const target = finding.doan ? importedBlock(finding.doan) : null;
      if (target) {
        const link = Object.assign(document.createElement("a"), { href: "#", textContent: `“${finding.doan}”`, title: "Đến chỗ này trong bài" });
        link.addEventListener("click", (event) => { event.preventDefault(); target.scrollIntoView({ block: "center" }); target.focus(); });
        item.append(link, ": ");
      } else if (finding.doan) item.append(`“${finding.doan}”: `);
      else if (finding.noi) item.append(`${finding.noi}: `);
      item.append(finding.noi_dung);
      list.append(item);
    }
    details.append(list);
  }
  const close = Object.assign(document.createElement("button"), { type: "button", className: "icon", textContent: "✕", title: "Đóng" });
  close.addEventListener("click", () => { element.hidden = true; });
  element.append(details, close);
}

/* The block or field an imported paragraph became: its words without the label typed in Word
   ("1.", "a)", "-") or a closing colon, found at the start of a block's text (or the block's at its start). */
function importedBlock(text) {
  const plain = (words) => words.replace(/\s+/g, " ").replace(/…$/, "").replace(/^(?:[IVXLCDM]+\.|\d+\.|[a-zđ]\)|[-+•])\s*/u, "").replace(/:$/, "").trim();
  const wanted = plain(text).slice(0, 40);
  if (wanted.length < 4) return null;
  const boxes = [...document.querySelectorAll("#fields .rich, #fields textarea, #fields input[type=text]")];
  return boxes.find((box) => {
    const own = plain(box.matches(".rich") ? box.textContent : box.value);
    return own.length >= 4 && (own.startsWith(wanted) || wanted.startsWith(own.slice(0, 40)));
  }) || null;
}

async function renderAll() {
  const button = $("#render-all");
  const bar = $("#render-progress");
  button.disabled = true;
  bar.hidden = false;
  bar.value = 0;
  $("#render-result").textContent = "Đang in…";
  try {
    const response = await api("/api/render-all", { method: "POST" });
    if (!response.ok) {
      const payload = await response.json();
      $("#render-result").textContent = payload.loi;
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line);
        if (event.tong !== undefined) {
          bar.max = Math.max(event.tong, 1);
          bar.value = event.xong;
          $("#render-result").textContent = `${event.xong}/${event.tong}`;
        }
        if (event.ket_qua !== undefined) {
          const where = event.thu_muc_ra ? ` vào ${event.thu_muc_ra}` : "";
          $("#render-result").textContent = `${event.ket_qua}${where}.`;
          if (event.van_de.length) banner(event.van_de.join("\n"), { error: true });
        }
      }
    }
  } finally {
    button.disabled = false;
  }
}

// --- opening a notice ------------------------------------------------------------------------

export async function openNotice(path, { keepBanner = false } = {}) {
  const { ok, payload } = await apiJson(`/api/notice?path=${encodeURIComponent(path)}`);
  if (!ok) { banner(payload.loi, { error: true }); return false; }
  if (!state.workspace) await loadWorkspace();
  if (!keepBanner) banner("");
  state.path = payload.path;
  state.base = payload.text;
  state.version = payload.version;
  state.data = payload.data;
  state.tree = fromBlocks(Array.isArray(payload.data.noi_dung) ? payload.data.noi_dung : []);
  state.appendices = (Array.isArray(payload.data.phu_luc) ? payload.data.phu_luc : []).map(fromAppendix);
  state.current = null;
  state.meeting = null;
  state.savedJson = JSON.stringify(currentData());
  state.exactStale = true;
  await preloadInline(allTrees().flat());   // before the editor shows: never the last notice's form under this one's name
  document.body.classList.remove("listing");
  $("#list-view").hidden = true;
  $("#editor-view").hidden = false;
  $("#file-name").textContent = payload.path;
  $("#exact").replaceChildren(Object.assign(document.createElement("p"), { className: "hint", textContent: "Bấm “Trang in chính xác” để LibreOffice dựng trang như khi in." }));
  history.replaceState(null, "", `${BASE}/#${encodeURIComponent(payload.path)}`);
  drawForm();
  tell("tbkl:opened");
  await check();
  if (payload.nhap) offerDraft(payload.nhap);
  return true;
}

// --- the data: reading and writing by field path ---------------------------------------------

function getPath(object, path) {
  let value = object;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = value[part];
  }
  return value;
}

function isEmpty(value) {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

function setPath(object, path, value, { keepEmpty = false } = {}) {
  const parts = path.split(".");
  const parents = [object];
  let target = object;
  for (const part of parts.slice(0, -1)) {
    if (target[part] === null || typeof target[part] !== "object" || Array.isArray(target[part])) target[part] = {};
    target = target[part];
    parents.push(target);
  }
  const last = parts[parts.length - 1];
  if (isEmpty(value) && !keepEmpty) delete target[last];
  else target[last] = value;
  for (let index = parts.length - 2; index >= 0; index -= 1) {   // an emptied co_quan or nguoi_ky goes
    if (Object.keys(parents[index + 1]).length === 0) delete parents[index][parts[index]];
  }
}

function currentData() {
  const data = { ...state.data };
  const blocks = toBlocks(state.tree);
  if (blocks.length || "noi_dung" in data) data.noi_dung = blocks;
  if (state.appendices.length) data.phu_luc = state.appendices.map(toAppendix);
  else delete data.phu_luc;
  return data;
}

function fromAppendix(appendix) {
  const plain = appendix !== null && typeof appendix === "object" && !Array.isArray(appendix) ? appendix : {};
  const extra = { ...plain };
  delete extra.ten; delete extra.noi_dung;
  return { ten: plain.ten === null || plain.ten === undefined ? "" : String(plain.ten), extra, tree: fromBlocks(Array.isArray(plain.noi_dung) ? plain.noi_dung : []) };
}

function toAppendix(appendix) {
  const data = {};
  if (appendix.ten) data.ten = appendix.ten;
  Object.assign(data, appendix.extra);
  data.noi_dung = toBlocks(appendix.tree);
  return data;
}

function isDirty() { return state.path !== null && JSON.stringify(currentData()) !== state.savedJson; }

// --- the form: header fields, recipients, signer ---------------------------------------------

// Where the shared parts' fields go, and what only the page adds to them (a placeholder, a date
// typed day first, the empty choice of a select). Their labels, hints and controls come from the
// declaration (GET /api/workspace, "chung"), as a kind's own fields do ("loai").
const SECTIONS = [
  { legend: "Cơ quan ban hành", fields: [{ path: "co_quan.chu_quan" }, { path: "co_quan.ten" }, { path: "co_quan.viet_tat" }] },
  { legend: "Số, địa danh, ngày", fields: [
    { path: "so", placeholder: "để trống khi còn là dự thảo (in “Số:      /…”)", keepEmpty: true },
    { path: "ky_hieu", placeholder: "tự động: mã loại (TB-, GM-; công văn không có) và chữ viết tắt" },
    { path: "dia_danh" },
    { path: "ngay", date: true, placeholder: "19/6/2026" },
    { path: "do_khan", empty: "(không khẩn)" },
  ] },
  { legend: "Trích yếu", fields: [{ path: "trich_yeu", kind: "textarea" }] },  // its label and hint are the kind's: kindForm()
  { legend: "Kính gửi", fields: [{ path: "kinh_gui", oneAsText: true }] },
];

const AFTER_BODY = [
  { legend: "Nơi nhận", fields: [{ path: "noi_nhan_them" }, { path: "noi_nhan" }, { path: "luu" }] },
  { legend: "Người ký", signer: true, fields: [{ path: "nguoi_ky.quyen_han" }, { path: "nguoi_ky.chuc_vu" }, { path: "nguoi_ky.ho_ten" }] },
];

// A shared field as drawn: its declaration's label, hint and control, with what the page adds.
function sharedField(placed) {
  const declared = (state.workspace?.chung || {})[placed.path] || { label: placed.path, hint: "", kind: "text" };
  const field = { ...declared, ...placed };
  if (placed.empty !== undefined) field.options = [["", placed.empty], ...(declared.options || [])];
  return field;
}

function defaultOf(path) { return getPath(state.workspace?.mac_dinh || {}, path); }

function shownDefault(value) {
  if (Array.isArray(value)) return value.join("\n");
  return value === undefined || value === null ? "" : String(value);
}

// The document's kind (`loai`) and the editor part of its own fields, as the server derives them
// from the kind's declaration (GET /api/workspace, "loai").
function kindForm() {
  const forms = state.workspace?.loai || [];
  const key = state.data?.loai || defaultOf("loai") || "thong_bao";
  return forms.find((form) => form.loai === key) || forms[0] || { loai: key, ten: "", trich_yeu: "", truong: [] };
}

function drawKindOptions() {
  const select = $("#new-kind");
  if (!select) return;
  const chosen = select.value;
  select.replaceChildren(...(state.workspace?.loai || []).map((form) => new Option(form.ten, form.loai)));
  if (chosen && [...select.options].some((option) => option.value === chosen)) select.value = chosen;
  newTitleWords();
}

// The box the new document's title is typed in names what the chosen kind takes: a notice's or a
// letter's summary, an invitation's meeting content.
function newKindForm() {
  const forms = state.workspace?.loai || [];
  return forms.find((form) => form.loai === $("#new-kind").value) || forms[0] || { ten: "văn bản", tieu_de: "Trích yếu" };
}

function newTitleWords() {
  const form = newKindForm();
  const words = `${form.tieu_de} của ${form.ten.toLowerCase()} mới`;
  $("#new-title").placeholder = words + (form.mo_ta ? ` (${form.mo_ta})` : "");
  $("#new-title").setAttribute("aria-label", words);
}

// --- a meeting shared with another source (`cuoc_hop: giay-moi.yaml`) -----------------------------
// A document of a meeting (the conclusion notice, a second invitation) may take the meeting's facts
// from the invitation's source instead of typing them again. The chooser lists the workspace's
// documents that write a meeting; once one is chosen, the fields of a meeting written in place are
// hidden and the facts are shown as the check read them from that file, with a button to open it.

function relativePath(fromFile, toFile) {
  const from = fromFile.split("/").slice(0, -1);
  const to = toFile.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common += 1;
  return [...from.slice(common).map(() => ".."), ...to.slice(common)].join("/");
}

function linkedMeeting() { return typeof state.data?.cuoc_hop === "string" ? state.data.cuoc_hop : ""; }

function drawMeetingLink(section) {
  const linked = linkedMeeting();
  const wrapper = document.createElement("div");
  wrapper.className = "field meeting-link";
  wrapper.dataset.field = "cuoc_hop";
  const label = Object.assign(document.createElement("label"), { textContent: "Cuộc họp", htmlFor: "f-cuoc-hop-link" });
  const control = document.createElement("div");
  control.className = "control";
  const select = document.createElement("select");
  select.id = "f-cuoc-hop-link";
  select.append(new Option("ghi tại văn bản này (chủ trì, thời gian, địa điểm bên dưới)", ""));
  const forms = state.workspace?.loai || [];
  for (const doc of state.workspace?.cuoc_hop || []) {
    if (!doc.co_cuoc_hop || doc.path === state.path) continue;
    const kind = (forms.find((form) => form.loai === doc.loai)?.ten || "văn bản").toLowerCase();
    const number = doc.so ? `số ${doc.so}` : "dự thảo";
    select.append(new Option(`lấy từ ${kind} ${number}: ${doc.trich_yeu || doc.path}`, relativePath(state.path, doc.path)));
  }
  if (linked && ![...select.options].some((option) => option.value === linked)) select.append(new Option(`lấy từ tệp ${linked}`, linked));
  select.value = linked;
  select.addEventListener("change", () => {
    setPath(state.data, "cuoc_hop", select.value || undefined);
    state.meeting = null;
    drawForm();
    changed();
  });
  const facts = Object.assign(document.createElement("div"), { className: "meeting-facts" });
  const hint = Object.assign(document.createElement("div"), {
    className: "hint",
    textContent: "Văn bản cùng cuộc họp (giấy mời, thông báo kết luận) dùng chung chủ trì, thời gian, địa điểm: sửa ở một tệp, các tệp kia theo.",
  });
  // the documents that take their meeting from this one: an edit here reaches them when they are printed again
  const users = (state.workspace?.dung_cuoc_hop || {})[state.path] || [];
  const shared = Object.assign(document.createElement("div"), { className: "meeting-users" });
  shared.hidden = Boolean(linked) || !users.length;
  shared.textContent = `Cuộc họp này được dùng chung bởi: ${users.join(", ")}; sửa ở đây thì các văn bản đó theo khi in lại.`;
  control.append(select, facts, shared, hint);
  wrapper.append(label, control);
  const first = section.querySelector('.field[data-field^="cuoc_hop."]');
  section.insertBefore(wrapper, first);
  section.querySelectorAll('.field[data-field^="cuoc_hop."]').forEach((field) => { field.hidden = Boolean(linked); });
  drawMeetingFacts(state.meeting, wrapper);
}

function drawMeetingFacts(info, wrapper = document.querySelector('#fields .meeting-link')) {
  state.meeting = info;
  const box = wrapper?.querySelector(".meeting-facts");
  if (!box) return;
  // a notice's own day of the meeting, left empty, is the shared meeting's: say so in its box
  const day = wrapper.closest("fieldset")?.querySelector('input[data-field="ngay_hop"]');
  if (day) day.placeholder = info?.ngay && linkedMeeting() ? `theo cuộc họp: ${info.ngay}` : "";
  box.replaceChildren();
  box.hidden = !info || !linkedMeeting();
  if (box.hidden) return;
  const from = Object.assign(document.createElement("div"), { className: "meeting-from" });
  from.append("Lấy từ tệp ", Object.assign(document.createElement("b"), { textContent: info.tep[info.tep.length - 1] }));
  if (info.tep.length > 1) from.append(` (qua ${info.tep.slice(0, -1).join(", ")})`);
  box.append(from);
  if (info.doc_duoc) {
    const list = document.createElement("dl");
    for (const [name, value] of [["Chủ trì", info.chu_tri], ["Thời gian", info.thoi_gian], ["Địa điểm", info.dia_diem]]) {
      list.append(Object.assign(document.createElement("dt"), { textContent: name }), Object.assign(document.createElement("dd"), { textContent: value || "(chưa ghi)" }));
    }
    box.append(list);
  }
  if (info.mo) {
    const open = Object.assign(document.createElement("button"), { type: "button", className: "open-linked", textContent: "Mở tệp này để sửa cuộc họp" });
    open.addEventListener("click", () => {
      if (isDirty() && !confirm("Văn bản đang soạn chưa được lưu. Vẫn mở tệp khác?")) return;
      openNotice(info.mo);
    });
    box.append(open);
  }
}

function drawForm() {
  const fields = $("#fields");
  fields.replaceChildren();
  const kind = kindForm();
  for (const section of SECTIONS) {
    const placed = section.fields.map((field) => (field.path === "trich_yeu" ? { ...field, label: kind.nhan_trich_yeu || field.path, hint: kind.trich_yeu } : sharedField(field)));
    fields.append(drawSection({ ...section, fields: placed }));
  }
  if (kind.truong.length) {
    const own = drawSection({ legend: kind.ten, fields: kind.truong });
    own.dataset.kind = kind.loai;
    if (kind.truong.some((field) => field.path.startsWith("cuoc_hop."))) drawMeetingLink(own);
    fields.append(own);
  }
  fields.append(drawBodySection());
  fields.append(drawAppendixSection());
  for (const section of AFTER_BODY) fields.append(drawSection({ ...section, fields: section.fields.map(sharedField) }));
  fitTextareas(fields);
}

function fitTextarea(element) {
  element.style.height = "auto";
  element.style.height = `${element.scrollHeight + 2}px`;
}

function fitTextareas(root) {
  requestAnimationFrame(() => root.querySelectorAll("textarea").forEach(fitTextarea));
}

function drawSection(section) {
  const fieldset = document.createElement("fieldset");
  fieldset.append(Object.assign(document.createElement("legend"), { textContent: section.legend }));
  if (section.signer) fieldset.append(drawSignerChooser());
  for (const field of section.fields) fieldset.append(drawField(field));
  return fieldset;
}

function fieldId(path) { return "f-" + path.replace(/[^a-z0-9]+/gi, "-"); }

function drawField(field) {
  const wrapper = document.createElement("div");
  wrapper.className = "field";
  wrapper.dataset.field = field.path;
  const label = Object.assign(document.createElement("label"), { textContent: field.label, htmlFor: fieldId(field.path) });
  const control = document.createElement("div");
  control.className = "control";
  wrapper.append(label, control);
  const inherited = defaultOf(field.path);
  const value = getPath(state.data, field.path);
  if (field.kind === "list") {
    control.append(drawListEditor(field, value, inherited));
  } else {
    const row = document.createElement("div");
    row.className = "row";
    let input;
    if (field.kind === "select" || field.kind === "bool") {
      input = document.createElement("select");
      const options = field.kind === "bool" ? [["", "(mặc định)"], ["true", "có"], ["false", "không"]] : field.options;
      for (const [optionValue, text] of options) input.append(new Option(text, optionValue));
      input.value = value === undefined || value === null ? "" : String(value);
    } else if (field.kind === "text") {
      input = document.createElement("input");
      input.type = "text";
      input.value = value === undefined || value === null ? "" : field.date ? dayFirst(String(value)) : String(value);
    } else {
      input = document.createElement("textarea");
      input.rows = field.kind === "lines" ? 2 : 3;
      input.value = field.kind === "lines" && Array.isArray(value) ? value.join("\n") : (value ?? "");
    }
    input.id = fieldId(field.path);
    input.dataset.field = field.path;
    input.placeholder = field.placeholder || "";
    const inheritedAtOpen = showInheritedValue(input, field, value, inherited);
    input.addEventListener(field.kind === "select" || field.kind === "bool" ? "change" : "input", () => {
      let next = input.value;
      if (field.kind === "lines") next = next.split("\n").map((line) => line.trim()).filter(Boolean);
      else if (field.kind === "bool") next = next === "" ? "" : next === "true";
      else if (field.kind !== "select") next = next.replace(/\s+$/, "") === "" ? "" : next;
      if (inheritedAtOpen && sameAsInherited(next, inherited)) setPath(state.data, field.path, undefined);
      else if (field.keepEmpty && isEmpty(next)) setPath(state.data, field.path, null, { keepEmpty: true });
      else setPath(state.data, field.path, next);
      updateInherited(wrapper, field);
      changed();
    });
    input.addEventListener("focus", () => { state.lastField = input; });
    row.append(input);
    if (field.date) row.append(datePicker(input));
    if (inherited !== undefined) {
      const reset = Object.assign(document.createElement("button"), { type: "button", className: "icon reset", textContent: "↺", title: "Dùng giá trị mặc định của văn phòng" });
      reset.addEventListener("click", () => {
        input.value = shownDefault(inherited);
        setPath(state.data, field.path, undefined);
        updateInherited(wrapper, field);
        changed();
      });
      row.append(reset);
    }
    control.append(row);
  }
  const note = document.createElement("div");
  note.className = "inherited inherit-note";
  control.append(note);
  if (field.hint) control.append(Object.assign(document.createElement("div"), { className: "hint", textContent: field.hint }));
  updateInherited(wrapper, field);
  return wrapper;
}

// --- inherited values: the office's defaults shown as real text, written only when changed ------

/* Show the office's default in the box as text the drafter can edit in place (not a grey
   placeholder the drafter would retype). Returns whether the field was inherited when drawn:
   then typing the default back (or leaving it) writes no override into the notice. */
function showInheritedValue(input, field, value, inherited) {
  if (inherited === undefined || !isEmpty(value) || field.kind === "select" || field.kind === "bool") return false;
  if (isEmpty(inherited) || typeof inherited === "object" && !Array.isArray(inherited)) return false;
  input.value = shownDefault(inherited);
  return true;
}

function sameAsInherited(next, inherited) {
  const plain = (value) => (Array.isArray(value) ? value.map((line) => String(line).trim()).join("\n") : String(value ?? "").trim());
  return plain(next) === plain(inherited);
}

// A calendar beside a date's text: it shows the date the text holds and writes the one picked
// back as Vietnamese write it, dd/mm/yyyy (the source keeps whatever form the drafter typed).
const DAY_FIRST = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/;
const YEAR_FIRST = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/;

function isoOf(text) {
  const day = DAY_FIRST.exec(text || "");
  const iso = YEAR_FIRST.exec(text || "");
  const [y, m, d] = day ? [day[3], day[2], day[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  return y ? `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}` : "";
}

/* A date the file holds year first as text ("2026-04", "2026-04-21" in quotes) shown as the page
   shows every date, day first (04/2026, 21/04/2026); the file keeps its form until the drafter edits it. */
const YEAR_FIRST_TEXT = /^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$/;
function dayFirst(text) {
  const found = YEAR_FIRST_TEXT.exec(text);
  if (!found) return text;
  const [, y, m, d] = found;
  return d ? `${d.padStart(2, "0")}/${m.padStart(2, "0")}/${y}` : `${m.padStart(2, "0")}/${y}`;
}

export function datePicker(input) {
  const picker = Object.assign(document.createElement("input"), { type: "date", className: "date-picker", title: "Chọn ngày trên lịch" });
  picker.setAttribute("aria-label", "Chọn ngày trên lịch");
  picker.value = isoOf(input.value);
  input.addEventListener("input", () => { picker.value = isoOf(input.value); });
  picker.addEventListener("change", () => {
    if (!picker.value) return;
    const [y, m, d] = picker.value.split("-");
    input.value = `${d}/${m}/${y}`;
    input.dispatchEvent(new Event("input"));
  });
  return picker;
}

function updateInherited(wrapper, field) {
  const note = $(".inherit-note", wrapper);
  const inherited = defaultOf(field.path);
  const own = getPath(state.data, field.path);
  const reset = $(".reset", wrapper);
  if (inherited === undefined) { note.textContent = ""; if (reset) reset.hidden = true; return; }
  if (isEmpty(own)) {
    note.textContent = "mặc định của văn phòng";
    wrapper.classList.add("from-office");
    if (reset) reset.hidden = true;
  } else {
    note.textContent = `riêng cho thông báo này; mặc định: ${shownDefault(inherited).replace(/\n/g, " / ")}`;
    wrapper.classList.remove("from-office");
    if (reset) reset.hidden = false;
  }
}

function drawListEditor(field, value, inherited) {
  const box = document.createElement("div");
  box.className = "list-editor";
  box.dataset.field = field.path;
  // A field that may hold one line as text (kinh_gui: Sở Tài chính) is edited as a list of one.
  const items = Array.isArray(value) ? [...value] : (typeof value === "string" && value.trim() ? [value] : []);
  const save = () => {
    const kept = items.map((item) => String(item).trim()).filter(Boolean);
    setPath(state.data, field.path, field.oneAsText && kept.length === 1 ? kept[0] : kept);
    changed();
  };
  const draw = () => {
    box.replaceChildren();
    if (!items.length && Array.isArray(inherited)) {
      const shown = document.createElement("div");
      shown.className = "inherited";
      shown.textContent = "Mặc định: " + inherited.join("; ");
      box.append(shown);
    }
    items.forEach((item, index) => {
      const line = document.createElement("div");
      line.className = "item";
      const input = Object.assign(document.createElement("input"), { type: "text", value: String(item ?? "") });
      input.setAttribute("list", "recipient-suggestions");
      input.dataset.field = `${field.path}[${index + 1}]`;
      input.addEventListener("input", () => { items[index] = input.value; save(); });
      input.addEventListener("focus", () => { state.lastField = input; });
      const remove = Object.assign(document.createElement("button"), { type: "button", className: "icon", textContent: "✕", title: "Bỏ dòng này" });
      remove.addEventListener("click", () => { items.splice(index, 1); save(); draw(); });
      line.append(input, remove);
      box.append(line);
    });
    const add = Object.assign(document.createElement("button"), { type: "button", className: "icon add", textContent: "+ Thêm" });
    add.addEventListener("click", () => {
      items.push("");
      draw();
      box.querySelectorAll("input")[items.length - 1].focus();
    });
    box.append(add);
    if (items.length && Array.isArray(inherited)) {
      const reset = Object.assign(document.createElement("button"), { type: "button", className: "icon", textContent: "↺ Dùng danh sách mặc định" });
      reset.addEventListener("click", () => { items.splice(0); save(); draw(); });
      box.append(" ", reset);
    }
    if (!items.length && Array.isArray(inherited) && field.path === "noi_nhan") {
      const copy = Object.assign(document.createElement("button"), { type: "button", className: "icon", textContent: "Sửa danh sách mặc định" });
      copy.addEventListener("click", () => { items.push(...inherited); save(); draw(); });
      box.append(" ", copy);
    }
  };
  draw();
  return box;
}

function drawSignerChooser() {
  const wrapper = document.createElement("div");
  wrapper.className = "field";
  const label = Object.assign(document.createElement("label"), { textContent: "Chọn người ký", htmlFor: "signer-choice" });
  const control = document.createElement("div");
  control.className = "control";
  const select = document.createElement("select");
  select.id = "signer-choice";
  select.append(new Option("— chọn từ người ký của văn phòng, hoặc gõ bên dưới —", ""));
  (state.workspace?.nguoi_ky || []).forEach((signer, index) => {
    const lines = [...(signer.quyen_han || []), signer.chuc_vu, signer.ho_ten].filter(Boolean);
    select.append(new Option(lines.join(" · "), String(index)));
  });
  select.addEventListener("change", () => {
    const signer = state.workspace.nguoi_ky[Number(select.value)];
    if (!signer) return;
    for (const key of ["quyen_han", "chuc_vu", "ho_ten"]) {
      const same = JSON.stringify(signer[key]) === JSON.stringify(defaultOf(`nguoi_ky.${key}`));
      setPath(state.data, `nguoi_ky.${key}`, same ? undefined : signer[key]);
    }
    drawForm();
    changed();
  });
  control.append(select);
  wrapper.append(label, control);
  return wrapper;
}

// --- the body as an outline ------------------------------------------------------------------

function fromBlocks(blocks) {
  return blocks.map((block) => {
    if (block !== null && typeof block === "object" && !Array.isArray(block) && "bang" in block) {
      const extra = { ...block };
      delete extra.bang;
      const rows = Array.isArray(block.bang) ? block.bang.map((row) => (Array.isArray(row) ? row.map(copyCell) : [])) : [];
      return { kind: "bang", text: "", tieu_de: false, children: [], extra, rows };
    }
    if (block !== null && typeof block === "object" && !Array.isArray(block)) {
      const kind = Object.keys(LEVEL).find((key) => key in block) || "doan";
      const extra = { ...block };
      delete extra[kind]; delete extra.tieu_de; delete extra.noi_dung;
      return {
        kind,
        text: block[kind] === null || block[kind] === undefined ? "" : String(block[kind]),
        tieu_de: block.tieu_de === true,
        children: fromBlocks(Array.isArray(block.noi_dung) ? block.noi_dung : []),
        extra,
      };
    }
    return { kind: "doan", text: block === null || block === undefined ? "" : String(block), tieu_de: false, children: [], extra: {} };
  });
}

function copyCell(cell) {
  if (cell !== null && typeof cell === "object" && !Array.isArray(cell)) return { ...cell };
  return cell === null || cell === undefined ? "" : String(cell);
}

function cellText(cell) { return typeof cell === "string" ? cell : String(cell.o ?? ""); }

function toBlocks(nodes) {
  return nodes.map((node) => {
    if (node.kind === "doan") return node.text;
    if (node.kind === "bang") return { bang: node.rows.map((row) => row.map(copyCell)), ...node.extra };
    const block = { [node.kind]: node.text };
    if (node.kind === "khoan" && node.tieu_de) block.tieu_de = true;
    Object.assign(block, node.extra);
    if (node.children.length) block.noi_dung = toBlocks(node.children);
    return block;
  });
}

function flatten(nodes, out = []) {
  for (const node of nodes) { out.push(node); flatten(node.children, out); }
  return out;
}

function allTrees() { return [state.tree, ...state.appendices.map((appendix) => appendix.tree)]; }

function treeOf(target) {
  return allTrees().find((tree) => flatten(tree).includes(target)) || state.tree;
}

function locate(target, nodes = null, parent = null) {
  if (nodes === null) {
    for (const tree of allTrees()) {
      const found = locate(target, tree, null);
      if (found) return found;
    }
    return null;
  }
  for (let index = 0; index < nodes.length; index += 1) {
    if (nodes[index] === target) return { list: nodes, index, parent };
    const found = locate(target, nodes[index].children, nodes[index]);
    if (found) return found;
  }
  return null;
}

function chainOf(target) {
  const chain = [];
  let place = locate(target);
  while (place) {
    chain.unshift({ node: place.list[place.index], ...place });
    place = place.parent ? locate(place.parent) : null;
  }
  return chain;
}

function newNode(kind) {
  const node = { kind, text: "", tieu_de: false, children: [], extra: {} };
  if (kind === "bang") node.rows = [["", ""], ["", ""]];
  return node;
}

// --- where a new block goes: the level a drafter expects ---------------------------------------
// The new block goes right after the text being edited, in reading order, at the level its kind
// asks for ("here" is the block whose text has the cursor):
//
//  adding              | while in                                  | the new block goes
//  --------------------|-------------------------------------------|------------------------------------------------
//  the same kind       | a block of that kind (in d)'s text)       | its next sibling, labelled after it (e))
//  a deeper kind       | a block (in 1.'s text, add Điểm)          | its first sub-block, right under its text (a))
//  a shallower kind    | a sub-block (in a)'s text, add Khoản)     | after the enclosing block of that kind (2. after 1.),
//                      |                                           | or the first sub-block of the nearest shallower one
//  Mục/Khoản/Điểm/-/+  | a paragraph or table inside a block       | as if in that block: the paragraph is part of it
//  Mục/Khoản/Điểm/-/+  | a paragraph or table of the body          | the next block after it
//  Đoạn / Bảng         | a block (Mục, Khoản, Điểm, -, +)          | a paragraph of that block, right under its text, at
//                      |                                           | its indent: the item goes on (never a sibling of it)
//  Đoạn / Bảng         | a paragraph or table                      | the next paragraph after it, at the same level
//  anything            | nothing (no block edited yet)             | the end of the body
//
// Tested one row at a time in tests/test_page_drafts.py.
function placeFor(kind, current) {
  const chain = chainOf(current);
  const last = chain.length - 1;
  if (isLeaf(kind)) {
    const here = chain[last];
    if (isLeaf(here.node.kind)) return { list: here.list, index: here.index + 1 };
    return { list: here.node.children, index: 0 };
  }
  for (let depth = last; depth >= 0; depth -= 1) {
    const { node: here, list, index } = chain[depth];
    if (isLeaf(here.kind)) {
      if (depth === 0) return { list, index: index + 1 };
      continue;
    }
    if (here.kind === kind) return { list, index: index + 1 };
    if (LEVEL[here.kind] < LEVEL[kind]) return { list: here.children, index: depth === last ? 0 : chain[depth + 1].index + 1 };
  }
  return { list: chain[0].list, index: chain[0].index + 1 };
}

function addBlock(kind) {
  const node = newNode(kind);
  const current = state.current && locate(state.current) ? state.current : null;
  if (!current) {
    state.tree.push(node);
  } else {
    const { list, index } = placeFor(kind, current);
    list.splice(index, 0, node);
  }
  state.current = node;
  structureChanged();
}

function moveBlock(node, action) {
  const place = locate(node);
  if (!place) return;
  const { list, index, parent } = place;
  if (action === "up" && index > 0) [list[index - 1], list[index]] = [list[index], list[index - 1]];
  else if (action === "down" && index < list.length - 1) [list[index + 1], list[index]] = [list[index], list[index + 1]];
  else if (action === "indent" && index > 0 && !isLeaf(list[index - 1].kind)) {
    list.splice(index, 1);
    list[index - 1].children.push(node);
  } else if (action === "outdent" && parent) {
    const outer = locate(parent);
    list.splice(index, 1);
    outer.list.splice(outer.index + 1, 0, node);
  } else if (action === "delete") {
    if (node.children.length && !confirm("Xóa khối này cùng mọi khối bên trong?")) return;
    list.splice(index, 1);
    state.current = list[Math.min(index, list.length - 1)] || parent || null;
  } else {
    return;
  }
  structureChanged();
}

function structureChanged() {
  drawOutline();
  changed();
  const element = blockEditor(state.current);
  if (element) element.focus();
}

const KEYS = new WeakMap();
let nextKey = 1;
function nodeKey(node) {
  if (!KEYS.has(node)) KEYS.set(node, String(nextKey++));
  return KEYS.get(node);
}

function drawBodySection() {
  const fieldset = document.createElement("fieldset");
  fieldset.className = "body";
  fieldset.dataset.field = "noi_dung";
  fieldset.append(Object.assign(document.createElement("legend"), { textContent: "Nội dung" }));
  fieldset.append(Object.assign(document.createElement("p"), {
    className: "hint",
    textContent: "Số thứ tự (I., 1., a), -, +) do máy đánh; không gõ số. Chữ đậm Ctrl+B, nghiêng Ctrl+I, chú thích bằng nút “¹ Chú thích” (bấm số chú thích để sửa). Enter tách thành khối mới cùng loại, Backspace ở đầu khối thì nối vào khối trên; dán từ Word hay thư điện tử: các dòng “1.”, “a)”, “-” thành khối; nút “Thêm” ở thanh trên đặt khối loại khác sau (hoặc trong) khối đang sửa. Alt+↑/↓ chuyển khối, Tab/Shift+Tab lùi vào/ra.",
  }));
  const outline = document.createElement("div");
  outline.id = "outline";
  fieldset.append(outline);
  setTimeout(drawOutline);
  return fieldset;
}

function drawOutline() {
  const outline = $("#outline");
  if (!outline) return;
  outline.replaceChildren(...state.tree.map((node, index) => drawNode(node, `noi_dung[${index + 1}]`)));
  state.appendices.forEach((appendix, number) => {
    const inner = document.getElementById(`outline-pl-${number}`);
    if (inner) {
      inner.replaceChildren(...appendix.tree.map((node, index) => drawNode(node, `phu_luc[${number + 1}].noi_dung[${index + 1}]`)));
      fitTextareas(inner);
    }
  });
  renumberFootnotes();
  applyLabels();
  fitTextareas(outline);
}

// --- appendices: a title and a body each, numbered and tied to the notice by the server ----------

function drawAppendixSection() {
  const fieldset = document.createElement("fieldset");
  fieldset.className = "appendices";
  fieldset.dataset.field = "phu_luc";
  fieldset.append(Object.assign(document.createElement("legend"), { textContent: "Phụ lục" }));
  fieldset.append(Object.assign(document.createElement("p"), {
    className: "hint",
    textContent: "Mỗi phụ lục in ở trang mới; số phụ lục (I, II, …) và dòng “(Kèm theo Thông báo số … ngày …)” do máy tính từ số, ký hiệu và ngày của thông báo.",
  }));
  state.appendices.forEach((appendix, number) => {
    const box = document.createElement("div");
    box.className = "appendix";
    box.dataset.field = `phu_luc[${number + 1}]`;
    const head = document.createElement("div");
    head.className = "appendix-head";
    head.append(Object.assign(document.createElement("span"), { className: "label", textContent: `Phụ lục ${number + 1}` }));
    const title = Object.assign(document.createElement("input"), { type: "text", value: appendix.ten, placeholder: "Tên phụ lục (không bắt buộc)" });
    title.dataset.field = `phu_luc[${number + 1}].ten`;
    title.setAttribute("aria-label", `Tên phụ lục ${number + 1}`);
    title.addEventListener("input", () => { appendix.ten = title.value; changed(); });
    head.append(title);
    for (const kind of ["doan", "bang"]) {
      const add = Object.assign(document.createElement("button"), { type: "button", textContent: kind === "bang" ? "+ Bảng" : "+ Đoạn" });
      add.dataset.appendixAdd = kind;
      add.addEventListener("click", () => {
        const node = newNode(kind);
        const place = state.current && locate(state.current);
        if (place && appendix.tree === treeOf(state.current)) place.list.splice(place.index + 1, 0, node);
        else appendix.tree.push(node);
        state.current = node;
        structureChanged();
      });
      head.append(add);
    }
    const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "✕", title: "Xóa phụ lục" });
    remove.dataset.action = "remove-appendix";
    remove.addEventListener("click", () => {
      if (appendix.tree.length && !confirm("Xóa phụ lục này cùng toàn bộ nội dung?")) return;
      state.appendices.splice(number, 1);
      redrawAppendices();
    });
    head.append(remove);
    const inner = document.createElement("div");
    inner.className = "outline";
    inner.id = `outline-pl-${number}`;
    box.append(head, inner);
    fieldset.append(box);
  });
  const add = Object.assign(document.createElement("button"), { type: "button", textContent: "+ Thêm phụ lục" });
  add.dataset.action = "add-appendix";
  add.addEventListener("click", () => {
    const appendix = { ten: "", extra: {}, tree: [newNode("doan")] };
    state.appendices.push(appendix);
    state.current = appendix.tree[0];
    redrawAppendices();
  });
  fieldset.append(add);
  return fieldset;
}

function redrawAppendices() {
  const old = document.querySelector("fieldset.appendices");
  if (old) old.replaceWith(drawAppendixSection());
  structureChanged();
}

// --- a table: rows of cells edited in place ------------------------------------------------------

function drawTable(node, path, element) {
  const grid = document.createElement("table");
  grid.className = "table-edit";
  const header = Number.isInteger(node.extra.hang_tieu_de) ? node.extra.hang_tieu_de : 1;
  node.rows.forEach((row, r) => {
    const tr = document.createElement("tr");
    if (r < header) tr.className = "head";
    row.forEach((cell, c) => {
      const td = document.createElement("td");
      if (typeof cell === "object") {
        if (cell.gop_cot > 1) td.colSpan = cell.gop_cot;
        if (cell.gop_hang > 1) td.rowSpan = cell.gop_hang;
      }
      const text = richEditor({   // a cell's text is rich text too: bold, italic, footnotes; Enter adds nothing
        markup: cellText(cell),
        field: typeof cell === "object" ? `${path}.bang[${r + 1}][${c + 1}].o` : `${path}.bang[${r + 1}][${c + 1}]`,
        label: `Hàng ${r + 1}, ô ${c + 1}`,
        onChange: (markup) => {
          if (typeof row[c] === "object") row[c].o = markup;
          else row[c] = markup;
          changed();
        },
        onFocus: () => { state.current = node; },
      });
      td.append(text);
      tr.append(td);
    });
    const tools = document.createElement("td");
    tools.className = "row-tools";
    for (const [action, symbol, title] of [["add-cell", "+ô", "Thêm ô cuối hàng"], ["remove-cell", "−ô", "Bỏ ô cuối hàng"], ["remove-row", "✕", "Xóa hàng"]]) {
      const button = Object.assign(document.createElement("button"), { type: "button", textContent: symbol, title });
      button.dataset.action = action;
      button.addEventListener("click", () => {
        if (action === "add-cell") row.push("");
        else if (action === "remove-cell" && row.length > 1) row.pop();
        else if (action === "remove-row" && node.rows.length > 1) node.rows.splice(r, 1);
        state.current = node;
        structureChanged();
      });
      tools.append(button);
    }
    tr.append(tools);
    grid.append(tr);
  });
  const bar = document.createElement("div");
  bar.className = "table-tools";
  const addRow = Object.assign(document.createElement("button"), { type: "button", textContent: "+ Hàng", title: "Thêm hàng cuối bảng" });
  addRow.dataset.action = "add-row";
  addRow.addEventListener("click", () => {
    const columns = node.rows.length ? node.rows[0].reduce((sum, cell) => sum + (typeof cell === "object" && cell.gop_cot > 1 ? cell.gop_cot : 1), 0) : 2;
    node.rows.push(Array.from({ length: Math.max(columns, 1) }, () => ""));
    state.current = node;
    structureChanged();
  });
  const heads = Object.assign(document.createElement("input"), { type: "number", min: "0", value: String(header), title: "Số hàng tiêu đề (in đậm, lặp lại đầu mỗi trang)" });
  heads.dataset.field = `${path}.hang_tieu_de`;
  heads.addEventListener("change", () => {
    const value = Number.parseInt(heads.value, 10);
    if (Number.isInteger(value) && value >= 0 && value !== 1) node.extra.hang_tieu_de = value;
    else delete node.extra.hang_tieu_de;
    structureChanged();
  });
  const headsLabel = document.createElement("label");
  headsLabel.append("Hàng tiêu đề: ", heads);
  bar.append(addRow, headsLabel);
  element.append(grid, bar);
}

function drawNode(node, path) {
  const element = document.createElement("div");
  element.className = "node" + (node === state.current ? " current" : "");
  element.dataset.key = nodeKey(node);
  element.dataset.field = path;
  const row = document.createElement("div");
  row.className = "node-row";
  const label = Object.assign(document.createElement("span"), { className: "label" });
  if (node.kind === "bang") {
    const moves = document.createElement("span");
    moves.className = "moves";
    for (const [action, symbol, title] of [["up", "↑", "Lên"], ["down", "↓", "Xuống"], ["delete", "✕", "Xóa bảng"]]) {
      const button = Object.assign(document.createElement("button"), { type: "button", textContent: symbol, title });
      button.dataset.action = action;
      button.addEventListener("click", () => { state.current = node; moveBlock(node, action); });
      moves.append(button);
    }
    row.append(label, Object.assign(document.createElement("span"), { className: "kind", textContent: TABLE_NAME }), moves);
    element.append(row);
    drawTable(node, path, element);
    return element;
  }
  const kind = document.createElement("select");
  kind.className = "kind";
  kind.title = "Loại khối";
  for (const [value, text] of Object.entries(KIND_NAMES)) {
    const option = new Option(text, value);
    option.disabled = value === "doan" && node.children.length > 0;
    kind.append(option);
  }
  kind.value = node.kind;
  kind.addEventListener("change", () => { node.kind = kind.value; state.current = node; structureChanged(); });
  const text = richEditor({
    markup: node.text,
    label: KIND_NAMES[node.kind],
    placeholder: node.kind === "muc" ? "Tiêu đề mục" : "Nội dung",
    field: node.kind === "doan" ? path : `${path}.${node.kind}`,
    onChange: (markup) => { node.text = markup; changed(); },
    onSplit: (before, after) => splitBlockRich(node, before, after),
    onJoin: () => joinBlockRich(node),
    onJoinNext: () => { const order = flatten(treeOf(node)); const next = order[order.indexOf(node) + 1]; if (next) joinBlockRich(next); },
    onFocus: () => {
      if (state.current !== node) {
        document.querySelectorAll(".node.current").forEach((other) => other.classList.remove("current"));
        element.classList.add("current");
        state.current = node;
        highlightPreview({ scroll: true });
      }
    },
  });
  text.tbklNode = node;
  text.addEventListener("keydown", (event) => {
    const action = event.altKey && event.key === "ArrowUp" ? "up" : event.altKey && event.key === "ArrowDown" ? "down"
      : event.key === "Tab" && !event.ctrlKey && !event.altKey ? (event.shiftKey ? "outdent" : "indent") : null;
    if (action) { event.preventDefault(); state.current = node; moveBlock(node, action); }
  });
  const moves = document.createElement("span");
  moves.className = "moves";
  for (const [action, symbol, title] of [["up", "↑", "Lên"], ["down", "↓", "Xuống"], ["outdent", "⇤", "Lùi ra (lên cấp trên)"], ["indent", "⇥", "Lùi vào (thành khối con của khối trên)"], ["delete", "✕", "Xóa khối"]]) {
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: symbol, title });
    button.dataset.action = action;
    button.addEventListener("click", () => { state.current = node; moveBlock(node, action); });
    moves.append(button);
  }
  row.append(label, kind, text, moves);
  if (node.kind === "khoan") {
    const flag = document.createElement("label");
    flag.className = "title-flag";
    const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: node.tieu_de });
    box.addEventListener("change", () => { node.tieu_de = box.checked; changed(); });
    flag.append(box, " dòng tiêu đề (in đậm, nội dung ở các khối con)");
    row.append(flag);
  }
  element.append(row);
  if (node.children.length) {
    const children = document.createElement("div");
    children.className = "children";
    node.children.forEach((child, index) => children.append(drawNode(child, `${path}.noi_dung[${index + 1}]`)));
    element.append(children);
  }
  return element;
}

function applyLabels() {
  const trees = [[state.tree, state.labels || []], ...state.appendices.map((appendix, number) => [appendix.tree, (state.appendixLabels || [])[number] || []])];
  for (const [tree, labels] of trees) {
    flatten(tree).forEach((node, index) => {
      const element = document.querySelector(`.node[data-key="${nodeKey(node)}"] > .node-row > .label`);
      if (element) element.textContent = (labels[index] ?? "").trim() || (node.kind === "doan" ? "¶" : "");
    });
  }
}

function highlightPreview({ scroll = false } = {}) {
  const tree = treeOf(state.current);
  const index = flatten(tree).indexOf(state.current);
  const number = state.appendices.findIndex((appendix) => appendix.tree === tree);
  const where = number >= 0 ? `[data-appendix="${number}"]` : ":not([data-appendix])";
  document.querySelectorAll("#live .p-active").forEach((element) => element.classList.remove("p-active"));
  const paragraph = document.querySelector(`#live [data-block="${index}"]${where}`);
  if (paragraph) {
    paragraph.classList.add("p-active");
    if (scroll) paragraph.scrollIntoView({ block: "nearest" });
  }
}

// --- inline emphasis: bold, italic, footnote -------------------------------------------------

function format(kind) { formatRich(kind); }

// --- rich text: bold, italic and footnotes edited as formatting ------------------------------
//
// A rich field is a contenteditable element. Its content is read as spans ({t, b, i} or {n: spans}
// for a footnote, shown as a superscript number whose text is edited in a popover) and written to
// the source as markup by toMarkup, a port of the importer's to_markup (tbkl_gen/importer/inline.py).
// Markup is read by the server (/api/inline, tbkl_gen.markup: one grammar); what it read is kept in
// INLINE so that a field is drawn at once. Enter splits a block, Backspace at its start joins it
// to the block before; no key makes a line break, and a span cut by a split is closed and reopened.

const INLINE = new Map();   // markup -> spans, as the server read it (or as toMarkup wrote it)
const INLINE_KEPT = 5000;   // texts remembered at most: typing adds one a keystroke

function remember(markup, spans) {
  if (INLINE.size >= INLINE_KEPT) INLINE.delete(INLINE.keys().next().value);
  INLINE.set(markup, spans);
}

async function readInline(texts) {
  const wanted = [...new Set(texts.filter((text) => typeof text === "string" && !INLINE.has(text)))];
  if (!wanted.length) return;
  const { ok, payload } = await apiJson("/api/inline", { method: "POST", json: { texts: wanted } });
  if (ok) wanted.forEach((text, index) => remember(text, payload.spans[index]));
}

async function preloadInline(nodes) {
  // Read at once the markup of every block and table cell, so that the form is drawn formatted.
  const all = flatten(nodes);
  await readInline([...all.map((node) => node.text), ...all.flatMap((node) => (node.rows || []).flat().map(cellText))]);
}

const ESCAPED = new Set(["\\", "*", "^"]);
const escapeMarkup = (text, extra = "") => [...text].map((c) => (ESCAPED.has(c) || extra.includes(c) ? "\\" + c : c)).join("");
const isSpace = (c) => /^\s$/u.test(c);

function charsOf(spans, inNote = false) {
  // One entry per character, as the importer's Char: {ch, b, i, note} (note: the footnote's markup).
  const chars = [];
  for (const span of spans) {
    if (span.n) { if (!inNote) chars.push({ ch: "\0", b: false, i: false, note: toMarkup(span.n, { inNote: true }) }); continue; }
    for (const ch of span.t) chars.push({ ch, b: !!span.b, i: !!span.i, note: null });
  }
  return chars;
}

function trimmedChars(chars) {
  let start = 0;
  let end = chars.length;
  while (start < end && chars[start].note === null && isSpace(chars[start].ch)) start += 1;
  while (end > start && chars[end - 1].note === null && isSpace(chars[end - 1].ch)) end -= 1;
  return chars.slice(start, end);
}

function settleSpaces(chars) {
  // White space at the edges of an emphasised stretch is made plain: markup cannot open on a space.
  const out = chars.map((c) => ({ ...c }));
  let index = 0;
  while (index < out.length) {
    const key = (c) => `${c.b}|${c.i}|${c.note === null}`;
    let end = index;
    while (end < out.length && key(out[end]) === key(out[index])) end += 1;
    if (out[index].note === null && (out[index].b || out[index].i)) {
      let left = index;
      while (left < end && isSpace(out[left].ch)) { out[left] = { ...out[left], b: false, i: false }; left += 1; }
      let right = end - 1;
      while (right >= left && isSpace(out[right].ch)) { out[right] = { ...out[right], b: false, i: false }; right -= 1; }
    }
    index = end;
  }
  return out;
}

function italicMarkup(chars, extra) {
  let out = "";
  let index = 0;
  while (index < chars.length) {
    let end = index;
    while (end < chars.length && chars[end].i === chars[index].i) end += 1;
    const text = escapeMarkup(chars.slice(index, end).map((c) => c.ch).join(""), extra);
    out += chars[index].i ? `*${text}*` : text;
    index = end;
  }
  return out;
}

function markupOfChars(chars, extra) {
  let out = "";
  let index = 0;
  while (index < chars.length) {
    if (chars[index].note !== null) { out += `^[${chars[index].note}]`; index += 1; continue; }
    const bold = chars[index].b;
    let end = index;
    while (end < chars.length && chars[end].note === null && chars[end].b === bold) end += 1;
    let group = chars.slice(index, end);
    if (bold && group[group.length - 1].i) {
      // "***x***" reads otherwise: bold and italic together cannot end a bold stretch. Keep the
      // bold, which carries more meaning (as the importer does), for this last stretch only.
      let from = group.length;
      while (from > 0 && group[from - 1].i) from -= 1;
      group = group.map((c, at) => (at >= from ? { ...c, i: false } : c));
    }
    out += bold ? `**${italicMarkup(group, extra)}**` : italicMarkup(group, extra);
    index = end;
  }
  return out;
}

function toMarkup(spans, { inNote = false } = {}) {
  // The markup of spans, trimmed: what the importer's to_markup writes for the same characters.
  const extra = inNote ? "]" : "";
  const chars = trimmedChars(charsOf(spans, inNote));
  if (chars.every((c) => c.note === null && !c.i && !c.b)) return escapeMarkup(chars.map((c) => c.ch).join(""), extra);
  const markup = markupOfChars(settleSpaces(chars), extra);
  if (!inNote) remember(markup, spans);
  return markup;
}

function mergedSpans(spans) {
  const out = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (!span.n && last && !last.n && last.b === span.b && last.i === span.i) last.t += span.t;
    else if (span.n || span.t) out.push(span.n ? span : { ...span });
  }
  return out;
}

function emphasisOf(element, bold, italic) {
  const tag = element.tagName;
  if (tag === "B" || tag === "STRONG") bold = true;
  if (tag === "I" || tag === "EM") italic = true;
  const weight = element.style?.fontWeight;
  if (weight) bold = weight === "bold" || weight === "bolder" || Number(weight) >= 600;
  const slant = element.style?.fontStyle;
  if (slant) italic = slant === "italic" || slant === "oblique";
  return [bold, italic];
}

function spansOfDom(root) {
  // The spans a rich field (or a piece cut from it) shows: tags and inline styles, so that it reads
  // a fragment outside the page as well. Line breaks and non-breaking spaces are spaces.
  const spans = [];
  const walk = (node, bold, italic) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        spans.push({ t: child.data.replace(/[\n\r\t\u00a0]/g, " "), b: bold, i: italic });
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.classList.contains("fn")) { spans.push({ n: JSON.parse(child.dataset.note || "[]") }); continue; }
        if (child.tagName === "BR") { spans.push({ t: " ", b: bold, i: italic }); continue; }
        walk(child, ...emphasisOf(child, bold, italic));
      }
    }
  };
  walk(root, false, false);
  return mergedSpans(spans);
}

function domOfSpans(spans, { notes = true } = {}) {
  const fragment = document.createDocumentFragment();
  for (const span of spans) {
    if (span.n) { if (notes) fragment.append(footnoteMark(span.n)); continue; }
    let node = document.createTextNode(span.t);
    if (span.i) { const element = document.createElement("i"); element.append(node); node = element; }
    if (span.b) { const element = document.createElement("b"); element.append(node); node = element; }
    fragment.append(node);
  }
  return fragment;
}

function footnoteMark(noteSpans) {
  const mark = document.createElement("sup");
  mark.className = "fn";
  mark.contentEditable = "false";
  mark.dataset.note = JSON.stringify(noteSpans);
  mark.title = "Chú thích: " + noteSpans.map((span) => span.t || "").join("");
  mark.textContent = "?";
  return mark;
}

function renumberFootnotes() {
  document.querySelectorAll("#fields sup.fn").forEach((mark, index) => { mark.textContent = String(index + 1); });
}

function richEditor({ markup, spans, label, placeholder, field, notes = true, onChange, onSplit, onJoin, onJoinNext, onFocus }) {
  // A contenteditable field showing markup as formatting; onChange(markup) after every edit.
  const editor = document.createElement("div");
  editor.className = "rich";
  editor.contentEditable = String(may("soan"));   // read-only for a person who may not edit
  editor.spellcheck = false;
  editor.setAttribute("role", "textbox");
  editor.setAttribute("aria-multiline", "false");
  if (label) editor.setAttribute("aria-label", label);
  if (placeholder) editor.dataset.placeholder = placeholder;
  if (field) editor.dataset.field = field;
  editor.tbklNotes = notes;
  editor.tbklMarkup = markup;
  const draw = (spans) => { editor.replaceChildren(domOfSpans(spans, { notes })); renumberFootnotes(); };
  // Text without "*", "^" or "\\" holds no markup (as markup.has_markup says): it needs no reading.
  const known = spans || INLINE.get(markup) || (/[*^\\]/.test(markup) ? null : [{ t: markup, b: false, i: false }]);
  if (known || !markup) draw(known || []);
  else {
    // Until the server has read it (a block made elsewhere on the page, a quick fix), the text is
    // shown as written and cannot be edited: a keystroke meanwhile would make its marks typed stars.
    editor.textContent = markup;
    editor.contentEditable = "false";
    readInline([markup]).finally(() => {
      if (editor.tbklMarkup === markup && INLINE.has(markup)) draw(INLINE.get(markup));
      editor.contentEditable = String(may("soan"));
    });
  }
  const emit = () => {
    const next = toMarkup(spansOfDom(editor), { inNote: !notes });
    editor.classList.toggle("empty", !editor.textContent && !editor.querySelector("sup.fn"));
    if (next === editor.tbklMarkup) return;
    editor.tbklMarkup = next;
    onChange?.(next);
  };
  editor.tbklEmit = emit;
  editor.classList.toggle("empty", !markup);
  editor.addEventListener("input", emit);
  editor.addEventListener("focus", () => { state.lastField = editor; onFocus?.(); });
  editor.addEventListener("beforeinput", (event) => {
    if (/^format(?!Bold|Italic)/.test(event.inputType) || event.inputType === "insertFromDrop") event.preventDefault();
    else if (event.inputType === "insertParagraph" || event.inputType === "insertLineBreak") event.preventDefault();
  });
  editor.addEventListener("keydown", (event) => {
    const key = event.key.toLowerCase();
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();   // Shift+Enter too: the source has no line break inside a block
      if (onSplit) { const [before, after] = splitRich(editor); onSplit(before, after); }
      return;
    }
    if (event.key === "Backspace" && onJoin && caretAtEdge(editor, "start")) { event.preventDefault(); onJoin(); return; }
    if (event.key === "Delete" && onJoinNext && caretAtEdge(editor, "end")) { event.preventDefault(); onJoinNext(); return; }
    if ((event.ctrlKey || event.metaKey) && key === "u") event.preventDefault();   // no underline in the source
  });
  editor.addEventListener("paste", (event) => { event.preventDefault(); pasteInto(editor, event.clipboardData); });
  editor.addEventListener("click", (event) => {
    const mark = event.target.closest?.("sup.fn");
    if (mark && editor.contains(mark) && may("soan")) openFootnote(mark, editor);
  });
  return editor;
}

function caretAtEdge(editor, edge) {
  // Whether the caret stands at the start (or the end) of the field, nothing selected.
  const selection = getSelection();
  if (!selection.rangeCount || !selection.isCollapsed) return false;
  const caret = selection.getRangeAt(0);
  const range = document.createRange();
  if (edge === "start") { range.setStart(editor, 0); range.setEnd(caret.startContainer, caret.startOffset); }
  else { range.setStart(caret.startContainer, caret.startOffset); range.setEnd(editor, editor.childNodes.length); }
  const beside = range.cloneContents();
  return !beside.textContent && !beside.querySelector?.("sup.fn");
}

function splitRich(editor) {
  // Cut the field at the selection: [markup before, markup after]. A bold span cut in two is
  // closed before the cut and opened again after it, as the piece after keeps its <b>.
  const selection = getSelection();
  if (!selection.rangeCount || !editor.contains(selection.getRangeAt(0).startContainer)) return [editor.tbklMarkup, ""];
  const range = selection.getRangeAt(0);
  range.deleteContents();
  const tail = document.createRange();
  tail.setStart(range.startContainer, range.startOffset);
  tail.setEnd(editor, editor.childNodes.length);
  const rest = document.createElement("div");
  rest.append(tail.extractContents());
  return [toMarkup(spansOfDom(editor)), toMarkup(spansOfDom(rest))];
}

function placeCaret(editor, offset) {
  // Put the caret after `offset` characters of the field's text (footnote marks not counted).
  const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement.closest("sup.fn") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  let left = offset;
  const range = document.createRange();
  range.setStart(editor, editor.childNodes.length);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (left <= node.data.length) { range.setStart(node, left); break; }
    left -= node.data.length;
  }
  range.collapse(true);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
}

function textLength(spans) { return spans.reduce((sum, span) => sum + (span.n ? 0 : span.t.length), 0); }

function activeRich() {
  const active = document.activeElement;
  if (active?.classList?.contains("rich")) return active;
  return null;
}

function formatRich(kind) {
  const editor = activeRich();
  if (!editor) { status("Đặt con trỏ trong một khối nội dung để định dạng chữ."); return; }
  if (kind === "footnote") { if (editor.tbklNotes) insertFootnote(editor); return; }
  document.execCommand("styleWithCSS", false, false);
  document.execCommand(kind === "bold" ? "bold" : "italic");
  editor.tbklEmit();
}

function insertFootnote(editor) {
  const selection = getSelection();
  let range = selection.rangeCount ? selection.getRangeAt(0) : null;
  if (!range || !editor.contains(range.startContainer)) { range = document.createRange(); range.selectNodeContents(editor); }
  range.collapse(false);   // the mark follows the selected words, as in Word
  const mark = footnoteMark([]);
  range.insertNode(mark);
  range.setStartAfter(mark);
  range.collapse(true);
  selection.removeAllRanges();
  selection.addRange(range);
  renumberFootnotes();
  editor.tbklEmit();
  openFootnote(mark, editor);
}

function closeFootnote() {
  const popover = document.getElementById("note-popover");
  if (popover) popover.remove();
}

function openFootnote(mark, editor) {
  // The footnote's text in a small popover under its number: edited as rich text, deleted by a button.
  closeFootnote();
  const popover = document.createElement("div");
  popover.id = "note-popover";
  popover.className = "note-popover";
  popover.setAttribute("role", "dialog");
  popover.setAttribute("aria-label", `Chú thích ${mark.textContent}`);
  const title = Object.assign(document.createElement("div"), { className: "note-title", textContent: `Chú thích ${mark.textContent} (in ở cuối trang)` });
  const spans = JSON.parse(mark.dataset.note || "[]");
  const text = richEditor({
    markup: toMarkup(spans, { inNote: true }),
    spans,
    label: "Nội dung chú thích",
    placeholder: "Nội dung chú thích",
    notes: false,
    onChange: () => {
      const noteSpans = spansOfDom(text);
      mark.dataset.note = JSON.stringify(noteSpans);
      mark.title = "Chú thích: " + text.textContent;
      editor.tbklEmit();
    },
    onSplit: () => {},
  });
  const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "Xóa chú thích", className: "icon" });
  remove.addEventListener("click", () => { mark.remove(); renumberFootnotes(); editor.tbklEmit(); closeFootnote(); editor.focus(); });
  const done = Object.assign(document.createElement("button"), { type: "button", textContent: "Xong", className: "icon" });
  done.addEventListener("click", () => { closeFootnote(); editor.focus(); });
  const buttons = Object.assign(document.createElement("div"), { className: "note-buttons" });
  buttons.append(remove, done);
  popover.append(title, text, buttons);
  popover.addEventListener("keydown", (event) => {
    if (event.key === "Escape" || (event.key === "Enter" && !event.shiftKey)) { event.preventDefault(); closeFootnote(); editor.focus(); }
  });
  document.body.append(popover);
  const box = mark.getBoundingClientRect();
  popover.style.left = `${Math.max(8, Math.min(box.left - 12, innerWidth - popover.offsetWidth - 8))}px`;
  popover.style.top = `${Math.min(box.bottom + 6, innerHeight - popover.offsetHeight - 8)}px`;
  text.focus();
  placeCaret(text, text.textContent.length);
}

async function pasteInto(editor, clipboard) {
  // Pasted text becomes blocks through the importer's label rules (/api/paste): one plain
  // paragraph goes in at the caret, with its emphasis; typed "1.", "a)", "-" make blocks.
  const html = clipboard.getData("text/html");
  const text = clipboard.getData("text/plain");
  const selection = getSelection();
  const range = selection.rangeCount ? selection.getRangeAt(0).cloneRange() : null;
  const { ok, payload } = await apiJson("/api/paste", { method: "POST", json: { html, text } });
  if (!ok) { banner(payload.loi, { error: true }); return; }
  for (const [markup, spans] of Object.entries(payload.spans)) remember(markup, spans);
  const blocks = payload.blocks;
  if (!blocks.length) { if (payload.sua.length) banner(payload.sua.join("; "), { error: true }); return; }
  const node = editor.tbklNode;
  if (blocks.length === 1 && typeof blocks[0] === "string" || !node) {
    const spans = blocks.flatMap((block) => INLINE.get(typeof block === "string" ? block : Object.values(block).find((v) => typeof v === "string")) || []);
    if (range && editor.contains(range.startContainer)) {
      range.deleteContents();
      const pieces = domOfSpans(spans, { notes: editor.tbklNotes });
      const last = pieces.lastChild;
      range.insertNode(pieces);
      if (last) { range.setStartAfter(last); range.collapse(true); selection.removeAllRanges(); selection.addRange(range); }
      renumberFootnotes();
      editor.tbklEmit();
    }
  } else {
    insertPastedBlocks(node, fromBlocks(blocks));
  }
  if (payload.sua.length) status(`Đã dán; đã sửa: ${payload.sua.join("; ")}`);
}

function insertPastedBlocks(node, nodes) {
  // Blocks pasted into a block: they replace it when it is empty, else follow it. A pasted block
  // of a deeper kind (a point pasted in an item) goes inside it, as the outline's levels say.
  const place = locate(node);
  if (!place) return;
  const empty = !node.text.trim() && !node.children.length;
  const deeper = node.kind !== "doan" && nodes.every((pasted) => pasted.kind !== "doan" && LEVEL[pasted.kind] > LEVEL[node.kind]);
  if (deeper && !empty) node.children.push(...nodes);
  else place.list.splice(place.index + (empty ? 0 : 1), empty ? 1 : 0, ...nodes);
  state.current = nodes[nodes.length - 1];
  structureChanged();
}

function blockEditor(node) {
  return node ? document.querySelector(`.node[data-key="${nodeKey(node)}"] > .node-row > .rich`) : null;
}

function splitBlockRich(node, before, after) {
  // Enter: the text after the caret starts the next block of the same kind.
  const place = locate(node);
  if (!place) return;
  const next = newNode(node.kind);
  node.text = before;
  next.text = after;
  if (next.text && node.children.length) { next.children = node.children; node.children = []; }
  place.list.splice(place.index + 1, 0, next);
  state.current = next;
  structureChanged();
  const element = blockEditor(next);
  if (element) placeCaret(element, 0);
}

function joinBlockRich(node) {
  // Backspace at the start of a block: its text joins the end of the block before (its inner
  // blocks stay where they were); at the start of the first block, nothing happens.
  const order = flatten(treeOf(node));
  const previous = order[order.indexOf(node) - 1];
  const place = locate(node);
  if (!place || !previous) return;
  const mine = blockEditor(node);
  const theirs = blockEditor(previous);
  const before = theirs ? spansOfDom(theirs) : INLINE.get(previous.text) || [{ t: previous.text, b: false, i: false }];
  const after = mine ? spansOfDom(mine) : [];
  previous.text = toMarkup(mergedSpans([...before.map((s) => ({ ...s })), ...after]));
  place.list.splice(place.index, 1, ...node.children);
  state.current = previous;
  structureChanged();
  const element = blockEditor(previous);
  if (element) placeCaret(element, textLength(before));
}

document.addEventListener("mousedown", (event) => {
  const popover = document.getElementById("note-popover");
  if (popover && !popover.contains(event.target) && !event.target.closest?.("sup.fn")) closeFootnote();
});

window.tbklRich = { toMarkup, spansOfDom, domOfSpans, readInline };

// --- checking, preview, problems -------------------------------------------------------------

function changed() {
  state.edits += 1;
  clearTimeout(state.checkTimer);
  state.checkTimer = setTimeout(check, CHECK_PAUSE_MS);
  $("#live").classList.add("stale");
  state.exactStale = true;
  clearTimeout(state.exactTimer);
  if (!$("#exact").hidden) state.exactTimer = setTimeout(exactPage, EXACT_PAUSE_MS);
  status(isDirty() ? "Chưa lưu" : "");
  scheduleDraft();
  tell("tbkl:changed");
}

async function check() {
  if (!state.path) return;
  const seq = ++state.checkSeq;
  const edits = state.edits;
  const started = performance.now();
  const { ok, payload } = await apiJson("/api/check", { method: "POST", json: { path: state.path, base: state.base, data: currentData() } });
  if (seq !== state.checkSeq || !state.path) return;   // a newer edit is on its way
  if (!ok) { banner(payload.loi, { error: true }); return; }
  notePreview(payload);
  if (payload.preview !== null) {
    const live = $("#live");
    live.innerHTML = payload.preview;   // built by the server from escaped text only
    live.querySelectorAll("[data-mm]").forEach((element) => { element.style.width = `${element.dataset.mm}mm`; });
    live.querySelectorAll("[data-left]").forEach((element) => {
      element.style.marginLeft = `${element.dataset.left}mm`;
      if (element.dataset.hang) element.style.textIndent = `-${element.dataset.hang}mm`;
    });
    fitSheet();
    state.labels = payload.labels;
    state.appendixLabels = payload.appendix_labels || [];
    applyLabels();
    highlightPreview();
  }
  showProblems(payload.problems, payload.errors, payload.warnings);
  drawMeetingFacts(payload.cuoc_hop || null);
  if (edits !== state.edits) return;   // typed on meanwhile: the next check is on its way
  if (payload.preview !== null) $("#live").classList.remove("stale");
  document.body.dataset.checked = String(seq);
  // milliseconds from the request to the page drawn, kept for benchmarks/bench_page.py
  state.refreshMs.push(performance.now() - started);
  if (state.refreshMs.length > 200) state.refreshMs.shift();
}

// --- the preview never freezes: drawn past an error, the problem named above it ---------------
// The server lays the page out with what stops it set aside (an empty block shown as "…", a
// wrong date as the saved file has it); when even that cannot be drawn, the last good page stays,
// dimmed, with the note. The problems themselves stay marked at their fields.
const PREVIEW_FROZEN_NOTE = "Bản xem trước dừng ở lần gần nhất đọc được thông báo: sửa các lỗi bên trái để cập nhật.";

function notePreview(payload) {
  const note = $("#preview-note");
  const passedOver = payload.xem_truoc_bo_qua || [];
  if (payload.preview === null) {
    note.textContent = PREVIEW_FROZEN_NOTE;
    note.hidden = false;
  } else if (passedOver.length) {
    note.textContent = `Xem trước tạm, chưa tính chỗ đang lỗi: ${passedOver.join("; ")}.`;
    note.hidden = false;
  } else {
    note.hidden = true;
  }
}

function fitSheet() {
  const sheet = $("#live .sheet");
  if (!sheet) return;
  const room = $("#live").clientWidth - 24;
  sheet.style.zoom = String(Math.min(1, room / (210 * 96 / 25.4)));  // A4 is 210 mm wide
}

function fieldElement(field) {
  let probe = field;
  while (probe) {
    const element = document.querySelector(`#fields [data-field="${CSS.escape(probe)}"]`);
    if (element) return element.closest(".field, .node, fieldset") || element;
    const shorter = probe.replace(/(\[\d+\]|\.[^.[\]]+)$/, "");
    if (shorter === probe) break;
    probe = shorter;
  }
  return null;
}

function showProblems(problems, errors, warnings) {
  document.querySelectorAll("#fields .problem, #general-problems .problem").forEach((element) => element.remove());
  document.querySelectorAll("#fields .has-error").forEach((element) => element.classList.remove("has-error"));
  const general = $("#general-problems");
  for (const problem of problems) {
    const element = document.createElement("div");
    element.className = "problem" + (problem.severity === "canh_bao" ? " warning" : "");
    const words = problem.message + (problem.hint ? ` (${problem.hint})` : "");
    const target = problem.own && problem.field ? fieldElement(problem.field) : null;
    element.textContent = (problem.severity === "canh_bao" ? "Cảnh báo: " : "") + words;
    element.dataset.field = problem.field;
    const fixButton = problem.own && problem.fix ? drawFixButton(problem.fix) : null;
    if (target) {
      if (problem.severity !== "canh_bao") target.classList.add("has-error");
      if (target.classList.contains("field")) $(".control", target).append(element);
      else if (target.classList.contains("node")) target.insertBefore(element, target.children[1] || null);
      else target.append(element);
    } else {
      // Never a file, a line or a key on the page: the server gives the field's label (page/words.py).
      element.textContent = (problem.severity === "canh_bao" ? "Cảnh báo: " : "") + problem.text;
      general.append(element);
    }
    if (fixButton) element.append(" ", fixButton);
  }
  const counts = $("#counts");
  counts.hidden = false;
  counts.textContent = errors || warnings ? `${errors} lỗi, ${warnings} cảnh báo` : "Không có lỗi";
  counts.className = "counts" + (errors ? " has-errors" : warnings ? " has-warnings" : "");
}

// A problem with one right fix carries it (the same fix `tbkl check --fix` applies): an edit of
// the notice's data at a path, applied here to the editor's state; saving writes it into the file
// keeping its comments, as every other edit.
function drawFixButton(fix) {
  const button = Object.assign(document.createElement("button"), { type: "button", className: "fix", textContent: "Sửa", title: fix.title });
  button.setAttribute("aria-label", `Sửa: ${fix.title}`);
  button.dataset.quyen = "soan";
  button.addEventListener("click", (event) => { event.stopPropagation(); applyFix(fix); });
  return button;
}

function withFix(data, fix) {
  const copy = JSON.parse(JSON.stringify(data));
  let parent = copy;
  for (const part of fix.path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object" || !(part in parent)) return null;
    parent = parent[part];
  }
  const last = fix.path[fix.path.length - 1];
  if (parent === null || typeof parent !== "object" || !(last in parent)) return null;
  if (!fix.rename) { parent[last] = fix.value; return copy; }
  if (Array.isArray(parent) || typeof fix.value !== "string" || fix.value in parent) return null;
  const entries = Object.entries(parent).map(([key, value]) => [key === last ? fix.value : key, value]);
  for (const key of Object.keys(parent)) delete parent[key];
  for (const [key, value] of entries) parent[key] = value;
  return copy;
}

function applyFix(fix) {
  const next = withFix(currentData(), fix);
  if (next === null) { status("Không sửa được: nội dung đã đổi, hãy kiểm tra lại"); return; }
  state.data = next;
  state.tree = fromBlocks(Array.isArray(next.noi_dung) ? next.noi_dung : []);
  state.current = null;
  drawForm();
  changed();
  status(`Đã sửa: ${fix.title}`);
}

// --- saving, downloads, the exact page ---------------------------------------------------------

export async function save() {
  if (!state.path) return;
  clearTimeout(state.checkTimer);
  clearTimeout(state.draftTimer);   // the server removes the draft once the source is saved
  const data = currentData();
  const { ok, status: code, payload } = await apiJson("/api/save", {
    method: "POST",
    json: { path: state.path, base: state.base, version: state.version, data },
  });
  if (code === 409) {
    showConflict(payload);
    status("Chưa lưu");
    return;
  }
  if (!ok) { banner(payload.loi, { error: true }); return; }
  state.base = payload.text;
  state.version = payload.version;
  state.savedJson = JSON.stringify(data);
  delete document.body.dataset.draft;   // the save removed the draft beside the file
  status(`Đã lưu lúc ${new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" })}`);   // the file's name is under the bar
  tell("tbkl:saved");
  await check();
}

async function reload() {
  banner("");
  state.savedJson = JSON.stringify(currentData());
  await openNotice(state.path);
  status("Đã tải lại tệp từ đĩa");
}

// --- drafts: kept beside the source a moment after the last keystroke, offered back on opening ---

function scheduleDraft() {
  clearTimeout(state.draftTimer);
  if (!may("soan")) return;
  state.draftTimer = setTimeout(saveDraft, DRAFT_PAUSE_MS);
}

async function saveDraft() {
  if (!state.path || !isDirty()) return;
  const path = state.path;
  const { ok, payload } = await apiJson("/api/draft", {
    method: "POST",
    json: { path, base: state.base, version: state.version, data: currentData() },
  });
  if (ok && path === state.path && isDirty()) {
    status(`Chưa lưu (đã giữ bản nháp lúc ${payload.luc})`);
    document.body.dataset.draft = payload.luc;
  }
}

function offerDraft(draft) {
  banner(`Có bản nháp chưa lưu lúc ${draft.luc} —`, {
    actions: [
      ["Khôi phục", () => restoreDraft(draft), "draft-restore"],
      ["Bỏ", dropDraft, "draft-drop"],
    ],
  });
}

async function restoreDraft(draft) {
  banner("");
  // The draft's base and version: saving it over a file changed since then is a conflict, shown as one.
  state.base = draft.base;
  state.version = draft.version;
  state.data = draft.data;
  state.tree = fromBlocks(Array.isArray(draft.data.noi_dung) ? draft.data.noi_dung : []);
  state.appendices = (Array.isArray(draft.data.phu_luc) ? draft.data.phu_luc : []).map(fromAppendix);
  state.current = null;
  drawForm();
  status(isDirty() ? "Chưa lưu (đã khôi phục bản nháp)" : "");
  await check();
}

async function dropDraft() {
  banner("");
  await apiJson("/api/draft/drop", { method: "POST", json: { path: state.path } });
  status("Đã bỏ bản nháp");
}

// --- conflicts: the file changed on disk since it was opened ---------------------------------

function showConflict(conflict) {
  const actions = [];
  if (!conflict.mat_tep) actions.push(["Giữ bản của tôi", () => keepMine(conflict), "conflict-mine"]);
  if (!conflict.mat_tep) actions.push(["Lấy bản trên đĩa", takeTheirs, "conflict-theirs"]);
  actions.push(["Lưu bản của tôi thành bản sao", saveMineAsCopy, "conflict-copy"]);
  banner(conflict.loi.replace(/\. Hãy tải lại tệp$/, "") + ". Khác biệt giữa bản trên đĩa và bản của tôi:", { error: true, actions });
  $("#banner").append(conflictDiff(conflict.khac_biet || []));
}

// The word diff of `tbkl diff`, drawn: words only on disk struck through, words only mine underlined.
function conflictDiff(hunks) {
  const box = document.createElement("div");
  box.className = "conflict-diff";
  box.id = "conflict-diff";
  if (!hunks.length) box.textContent = "Nội dung hai bản giống nhau; chỉ khác phần chú thích hoặc cách trình bày trong tệp.";
  for (const hunk of hunks) {
    const where = document.createElement("div");
    where.className = "where";
    where.textContent = hunk.truong;   // the field's label, never a line of the file or a key
    box.append(where);
    for (const line of hunk.dong) {
      const row = document.createElement("div");
      for (const [kind, text] of line) {
        const piece = document.createElement(kind === "-" ? "del" : kind === "+" ? "ins" : "span");
        piece.textContent = text;
        if (kind === "-") piece.title = "chỉ có trong bản trên đĩa";
        if (kind === "+") piece.title = "chỉ có trong bản của tôi";
        row.append(piece, " ");
      }
      box.append(row);
    }
  }
  return box;
}

async function keepMine(conflict) {
  banner("");
  state.version = conflict.phien_ban_dia;   // overwrite exactly the version whose differences were shown
  await save();
}

async function takeTheirs() {
  await apiJson("/api/draft/drop", { method: "POST", json: { path: state.path } });
  await reload();
}

async function saveMineAsCopy() {
  const { ok, payload } = await apiJson("/api/save-copy", { method: "POST", json: { path: state.path, base: state.base, data: currentData() } });
  if (!ok) { banner(payload.loi, { error: true }); return; }
  banner("");
  state.savedJson = JSON.stringify(currentData());   // kept in the copy: nothing to lose on leaving
  await openNotice(payload.path);
  await loadWorkspace();
  status(`Đã lưu bản của tôi thành ${payload.path}`);
}

async function download(kind) {
  status(kind === "pdf" ? "Đang tạo PDF bằng LibreOffice…" : "Đang tạo tệp Word…");
  const response = await api(`/api/${kind}`, { method: "POST", json: { path: state.path, base: state.base, data: currentData() } });
  if (!response.ok) {
    const payload = await response.json().catch(() => ({ loi: `lỗi ${response.status}` }));
    banner(payload.loi, { error: true });
    status("");
    return;
  }
  const blob = await response.blob();
  const match = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = match ? decodeURIComponent(match[1]) : `thong-bao.${kind}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  status(`Đã tải ${link.download}`);
}

function showTab(exact) {
  $("#tab-live").setAttribute("aria-selected", String(!exact));
  $("#tab-exact").setAttribute("aria-selected", String(exact));
  $("#live").hidden = exact;
  $("#exact").hidden = !exact;
  if (exact && state.exactStale) exactPage();
}

async function exactPage() {
  if (!state.path) return;
  const pane = $("#exact");
  state.exactStale = false;
  const seq = state.checkSeq;
  pane.prepend(Object.assign(document.createElement("p"), { className: "hint working", textContent: "Đang dựng trang in bằng LibreOffice…" }));
  const { ok, payload } = await apiJson("/api/exact", { method: "POST", json: { path: state.path, base: state.base, data: currentData() } });
  pane.querySelectorAll(".working").forEach((element) => element.remove());
  if (!ok) {
    pane.replaceChildren(Object.assign(document.createElement("p"), { className: "problem", textContent: payload.loi }));
    return;
  }
  pane.replaceChildren(...payload.pages.map((source, index) => Object.assign(document.createElement("img"), { src: source, alt: `Trang ${index + 1}` })));
  if (seq !== state.checkSeq) state.exactStale = true;
}

// --- a person who may read but not edit (a reviewer, a clerk) ---------------------------------
// The form is the same one, read-only: its boxes take no typing, its choices do not change, its
// editing buttons are not shown (page.css); the review's own boxes (a comment being written) stay.
function readOnlyForm(root) {
  root.querySelectorAll("input, textarea, select").forEach((box) => {
    if (box.closest(".review-notes, .review-write")) return;
    if (box.matches("select, input[type=checkbox], input[type=radio], input[type=date]")) box.disabled = true;
    else box.readOnly = true;
  });
}

// --- wiring ----------------------------------------------------------------------------------

function wire() {
  $("#to-list").addEventListener("click", showList);
  $("#search").addEventListener("input", () => filterChanged({ typed: true }));
  for (const id of ["#filter-year", "#filter-kind", "#filter-state"]) $(id).addEventListener("change", () => filterChanged());
  $("#page-prev").addEventListener("click", () => turnPage(-1));
  $("#page-next").addEventListener("click", () => turnPage(1));
  $("#notices").addEventListener("click", listClicked);
  $("#notices").addEventListener("dblclick", listClicked);
  $("#new-form").addEventListener("submit", newNotice);
  $("#new-kind").addEventListener("change", newTitleWords);
  $("#render-all").addEventListener("click", renderAll);
  $("#save").addEventListener("click", save);
  $("#download-docx").addEventListener("click", () => download("docx"));
  $("#download-pdf").addEventListener("click", () => download("pdf"));
  $("#tab-live").addEventListener("click", () => showTab(false));
  $("#tab-exact").addEventListener("click", () => showTab(true));
  document.querySelectorAll("[data-add]").forEach((button) => {
    button.addEventListener("mousedown", (event) => event.preventDefault());   // keep the current block
    button.addEventListener("click", () => addBlock(button.dataset.add));
  });
  document.querySelectorAll("[data-format]").forEach((button) => {
    button.addEventListener("mousedown", (event) => event.preventDefault());   // keep the selection
    button.addEventListener("click", () => format(button.dataset.format));
  });
  const drop = $("#drop");
  $("#import-file").addEventListener("change", (event) => importWord(event.target.files[0]));
  for (const name of ["dragenter", "dragover"]) drop.addEventListener(name, (event) => { event.preventDefault(); drop.classList.add("over"); });
  for (const name of ["dragleave", "drop"]) drop.addEventListener(name, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => { event.preventDefault(); importWord(event.dataTransfer.files[0]); });
  $("#general-problems").addEventListener("click", (event) => {
    const field = event.target.dataset?.field;
    const element = field && fieldElement(field);
    if (element) element.scrollIntoView({ block: "center" });
  });
  document.addEventListener("keydown", (event) => {
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && key === "s") { event.preventDefault(); if (may("soan")) save(); }
    else if ((event.ctrlKey || event.metaKey) && key === "b" && state.path) { event.preventDefault(); format("bold"); }
    else if ((event.ctrlKey || event.metaKey) && key === "i" && state.path) { event.preventDefault(); format("italic"); }
    else if ((event.ctrlKey || event.metaKey) && event.shiftKey && key === "f" && state.path) { event.preventDefault(); format("footnote"); }
  });
  window.addEventListener("resize", fitSheet);
  window.addEventListener("hashchange", () => {
    const wanted = decodeURIComponent(location.hash.slice(1));
    if (wanted && wanted !== state.path) openNotice(wanted);
  });
  window.addEventListener("beforeunload", (event) => { if (isDirty()) event.preventDefault(); });
}

async function start() {
  wire();
  $("#fields").addEventListener("input", (event) => { if (event.target.tagName === "TEXTAREA") fitTextarea(event.target); });
  if (!may("soan")) new MutationObserver(() => readOnlyForm($("#fields"))).observe($("#fields"), { childList: true, subtree: true });
  document.body.classList.add("listing");
  await loadWorkspace();
  const wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted) await openNotice(wanted);
  document.body.dataset.ready = "1";
}

start();
