// The review of a notice on the page: its state and the steps the person may take (submit to
// reviewers, approve, ask for changes), the reviewers' comments beside the blocks they are about,
// "Chờ tôi duyệt" above the list of notices and each notice's state in that list.
// Every step is checked again by the server (page/review_routes.py, service/review.py): a button
// shown here is a convenience, never the permission.

import { apiJson, openNotice, save, currentNotice, listedNotices, showStatus, showBanner } from "./app.js";

const $ = (selector, root = document) => root.querySelector(selector);
const PLACE_PAUSE_MS = 700;   // a pause in typing this long places the comments against the unsaved blocks

const review = {
  shown: null,        // the server's answer for the open notice (see review_routes.status_json)
  writing: null,      // the block a comment is being written for
  draft: "",          // and what is written so far
  placeTimer: null,
  listing: null,
  listingAt: 0,
};

function element(tag, properties = {}, ...children) {
  const made = Object.assign(document.createElement(tag), properties);
  made.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return made;
}

function button(text, handler, properties = {}) {
  const made = element("button", { type: "button", textContent: text, ...properties });
  made.addEventListener("click", handler);
  return made;
}

function stateBadge(code, label) {
  return element("span", { className: `review-state s-${code}`, textContent: label[0].toUpperCase() + label.slice(1) });
}

function names(people) { return people.map((person) => person.ten).join(", "); }

// --- loading the open notice's review --------------------------------------------------------------

async function load() {
  const notice = currentNotice();
  if (!notice) return;
  const { ok, payload } = await apiJson(`/api/review?path=${encodeURIComponent(notice.path)}`);
  if (currentNotice()?.path !== notice.path) return;
  if (!ok) { showBanner(payload.loi, { error: true }); return; }
  review.shown = payload;
  review.writing = null;
  drawPanel();
  drawNotes();
  if (notice.dirty) placeAgainstPage();
}

async function step(route, body, done) {
  const { ok, payload } = await apiJson(route, { method: "POST", json: { path: review.shown.path, ...body } });
  if (!ok) { showBanner(payload.loi, { error: true }); return false; }
  review.shown = payload;
  review.writing = null;
  drawPanel();
  drawNotes();
  showStatus(done);
  review.listingAt = 0;
  return true;
}

// --- the panel: state, steps, comments without a block, the timeline ---------------------------------

function describe(shown) {
  const lines = [];
  const to = shown.moi_nguoi_duyet ? "mọi người có quyền duyệt" : names(shown.nguoi_duyet);
  const asked = shown.nhat_ky.find((event) => event.viec === "yêu cầu sửa");
  if (shown.trang_thai === "dang-soan") lines.push("Chưa trình duyệt.");
  if (shown.trang_thai === "cho-duyet") {
    if (shown.sua_sau_duyet) lines.push("Văn bản đã được sửa sau khi duyệt, cần duyệt lại.");
    lines.push(`Trình cho ${to}.`);
    if (shown.da_duyet.length) lines.push(`Đã duyệt bản này: ${shown.da_duyet.map((a) => `${a.ten} (${a.luc})`).join(", ")}.`);
  }
  if (shown.trang_thai === "can-sua" && asked) {
    lines.push(`${asked.ten} yêu cầu sửa lúc ${asked.luc}${asked.ghi_chu ? `: “${asked.ghi_chu}”` : "."}`);
  }
  if (shown.trang_thai === "da-duyet" && shown.ban_duyet) {
    lines.push(`${shown.ban_duyet.ten} đã duyệt lúc ${shown.ban_duyet.luc}${shown.ban_duyet.ban_luu ? ` (bản được lưu lúc ${shown.ban_duyet.ban_luu})` : ""}.`);
  }
  if (shown.trang_thai === "da-phat-hanh" && shown.phat_hanh) lines.push(`Đã phát hành: số ${shown.phat_hanh.so}, ngày ${shown.phat_hanh.ngay}.`);
  return lines.join(" ");
}

function drawPanel() {
  const shown = review.shown;
  let panel = $("#review-panel");
  if (!panel) {
    panel = element("section", { id: "review-panel", className: "review-panel" });
    panel.setAttribute("aria-label", "Duyệt văn bản");
    $("#file-name").after(panel);
  }
  const can = shown.co_the;
  const steps = element("span", { className: "review-steps" },
    can.trinh && button(shown.trang_thai === "dang-soan" ? "Trình duyệt…" : "Trình duyệt lại…", () => drawSubmitForm(), { id: "review-submit" }),
    can.yeu_cau_sua && button("Yêu cầu sửa…", () => drawChangesForm(), { id: "review-changes" }),
    can.duyet && button("Duyệt", approve, { id: "review-approve", className: "primary" }),
  );
  const open = shown.gop_y.filter((comment) => !comment.xong);
  const goTo = open.length > 0 && button(`Xem ${open.length} góp ý chưa xử lý`, () => {
    const first = document.querySelector(`.review-note[data-comment="${CSS.escape(open[0].ma)}"]`);
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  }, { id: "review-goto", className: "link" });
  const head = element("div", { className: "review-head" },
    stateBadge(shown.trang_thai, shown.nhan),
    element("span", { id: "review-said", className: "review-said" }, describe(shown), goTo && " ", goTo),
    steps,
  );
  const parts = [head, element("div", { id: "review-form" })];
  if (can.gop_y) parts.push(element("p", { className: "hint", textContent: "Để góp ý: bấm “Góp ý” bên phải một khối của phần Nội dung, ghi góp ý rồi bấm “Gửi góp ý”." }));
  const lost = shown.gop_y.filter((comment) => comment.khoi === null && !comment.xong);
  if (lost.length) {
    parts.push(element("div", { className: "review-lost" },
      element("strong", { textContent: "Góp ý về khối không còn trong văn bản:" }),
      ...lost.map((comment) => drawComment(comment))));
  }
  if (shown.nhat_ky.length) {
    const list = element("ol", { className: "review-log" },
      ...shown.nhat_ky.map((event) => element("li", { textContent: `${event.luc}: ${event.ten} ${event.viec}${event.ghi_chu ? ` (“${event.ghi_chu}”)` : ""}` })));
    parts.push(element("details", { className: "review-history" }, element("summary", { textContent: `Quá trình duyệt (${shown.nhat_ky.length})` }), list));
  }
  panel.replaceChildren(...parts);
  document.body.dataset.reviewDrawn = String(Number(document.body.dataset.reviewDrawn || 0) + 1);   // for tests: the panel is up to date
}

function drawSubmitForm() {
  const shown = review.shown;
  const everyone = element("input", { type: "radio", name: "review-to", checked: true, id: "review-to-all" });
  const chosen = element("input", { type: "radio", name: "review-to", id: "review-to-some" });
  const boxes = shown.nguoi_co_the_duyet.map((person) => {
    const box = element("input", { type: "checkbox", value: person.dang_nhap });
    box.checked = shown.nguoi_duyet.some((named) => named.dang_nhap === person.dang_nhap);
    box.addEventListener("change", () => { chosen.checked = true; });
    return element("label", { className: "review-person" }, box, ` ${person.ten}`);
  });
  if (shown.nguoi_duyet.length) chosen.checked = true;
  const note = element("textarea", { rows: 2, placeholder: "Ghi chú cho người duyệt (không bắt buộc)" });
  note.setAttribute("aria-label", "Ghi chú cho người duyệt");
  const send = button("Trình duyệt", async () => {
    const logins = chosen.checked ? boxes.map((label) => $("input", label)).filter((box) => box.checked).map((box) => box.value) : [];
    if (chosen.checked && !logins.length) { showBanner("Hãy chọn ít nhất một người duyệt, hoặc trình cho mọi người có quyền duyệt.", { error: true }); return; }
    if (currentNotice()?.dirty) {
      await save();
      if (currentNotice()?.dirty) { showBanner("Văn bản chưa lưu được nên chưa trình duyệt; hãy lưu rồi trình lại.", { error: true }); return; }
    }
    send.disabled = true;
    const done = await step("/api/review/submit", { nguoi_duyet: logins, version: currentNotice().version, ghi_chu: note.value }, "Đã trình duyệt");
    if (!done) send.disabled = false;
  }, { id: "review-send", className: "primary" });
  $("#review-form").replaceChildren(element("div", { className: "review-box" },
    element("div", { className: "review-choice" },
      element("label", {}, everyone, " Trình cho mọi người có quyền duyệt"),
      element("label", {}, chosen, " Chọn người duyệt:"),
      element("span", { className: "review-people" }, ...boxes)),
    note,
    element("div", { className: "review-actions" }, send, " ", button("Hủy", () => $("#review-form").replaceChildren()))));
}

function drawChangesForm() {
  const note = element("textarea", { rows: 2, placeholder: "Cần sửa những gì (không bắt buộc; góp ý từng khối ghi ở khối đó)" });
  note.setAttribute("aria-label", "Nội dung yêu cầu sửa");
  const send = button("Gửi yêu cầu sửa", async () => {
    send.disabled = true;
    const done = await step("/api/review/changes", { ghi_chu: note.value, phien_ban: review.shown.phien_ban }, "Đã gửi yêu cầu sửa cho người soạn");
    if (!done) send.disabled = false;
  }, { id: "review-changes-send", className: "primary" });
  $("#review-form").replaceChildren(element("div", { className: "review-box" }, note,
    element("div", { className: "review-actions" }, send, " ", button("Hủy", () => $("#review-form").replaceChildren()))));
  note.focus();
}

async function approve() {
  if (currentNotice()?.dirty) {
    showBanner("Trên trang có thay đổi chưa lưu: chỉ duyệt được bản đã lưu. Hãy tải lại văn bản (hoặc lưu) rồi duyệt.", { error: true });
    return;
  }
  await step("/api/review/approve", { phien_ban: review.shown.phien_ban }, "Đã duyệt văn bản");
}

// --- comments beside their blocks -------------------------------------------------------------------

function drawComment(comment) {
  const item = element("div", { className: "review-note" + (comment.xong ? " done" : "") });
  item.dataset.comment = comment.ma;
  item.append(element("div", { className: "review-note-who" }, element("strong", { textContent: comment.ten }), ` · ${comment.luc}`));
  item.append(element("div", { className: "review-note-text", textContent: comment.noi_dung }));
  if (comment.khoi === null || comment.khoi_da_sua) {
    const said = comment.khoi === null ? "Khối này đã bị xóa; lúc góp ý khối viết: " : "Khối đã được sửa sau góp ý; lúc góp ý khối viết: ";
    item.append(element("div", { className: "review-note-quote", textContent: `${said}“${comment.trich}”` }));
  }
  if (comment.xong) {
    item.append(element("div", { className: "review-note-resolved", textContent: `Đã xử lý (${comment.xong.ten}, ${comment.xong.luc})` }));
  } else if (review.shown.co_the.xong_gop_y) {
    item.append(button("Đã xử lý", () => step("/api/review/resolve", { ma: comment.ma }, "Đã đánh dấu góp ý là đã xử lý"), { className: "link review-resolve" }));
  }
  return item;
}

function nodeOf(block) {
  return document.querySelector(`#fields .node[data-field="${CSS.escape(block)}"]`);
}

function drawNotes() {
  const fields = $("#fields");
  if (!fields || !review.shown || review.shown.path !== currentNotice()?.path) return;
  observer.disconnect();
  fields.querySelectorAll(".review-notes, .review-add, .review-write").forEach((old) => old.remove());
  const byBlock = new Map();
  for (const comment of review.shown.gop_y) {
    if (comment.khoi === null) continue;
    if (!byBlock.has(comment.khoi)) byBlock.set(comment.khoi, []);
    byBlock.get(comment.khoi).push(comment);
  }
  for (const [block, comments] of byBlock) {
    const node = nodeOf(block);
    if (!node) continue;
    const open = comments.filter((comment) => !comment.xong).length;
    const notes = element("div", { className: "review-notes" + (open ? "" : " all-done") }, ...comments.map(drawComment));
    $(":scope > .node-row", node)?.after(notes);
  }
  if (review.shown.co_the.gop_y) {
    fields.querySelectorAll("#outline .node, [id^='outline-pl-'] .node").forEach((node) => {
      const row = $(":scope > .node-row", node);
      if (!row) return;
      const add = button("Góp ý", () => writeComment(node.dataset.field), { className: "review-add", title: "Góp ý cho khối này" });
      ($(":scope > .moves", row) || row).prepend(add);
      const label = $(":scope > .label", row);
      if (label) label.addEventListener("click", () => writeComment(node.dataset.field));
    });
    if (review.writing) drawWriter(review.writing);
  }
  observer.observe(fields, { childList: true, subtree: true });
  markPreview();
}

function writeComment(block) {
  if (currentNotice()?.dirty) {
    showBanner("Trên trang có thay đổi chưa lưu: góp ý gắn với bản đã lưu. Hãy tải lại văn bản (hoặc lưu) rồi góp ý.", { error: true });
    return;
  }
  if (review.writing !== block) review.draft = "";
  review.writing = block;
  drawNotes();
  $("#fields .review-write textarea")?.focus();
}

function drawWriter(block) {
  const node = nodeOf(block);
  if (!node) return;
  const text = element("textarea", { rows: 3, placeholder: "Góp ý cho khối này", value: review.draft });
  text.addEventListener("input", () => { review.draft = text.value; });
  text.setAttribute("aria-label", "Góp ý cho khối này");
  const send = button("Gửi góp ý", async () => {
    if (!text.value.trim()) { text.focus(); return; }
    send.disabled = true;
    const done = await step("/api/review/comment", { khoi: block, noi_dung: text.value }, "Đã gửi góp ý");
    if (!done) send.disabled = false;
  }, { className: "primary review-comment-send" });
  const cancel = button("Hủy", () => { review.writing = null; drawNotes(); });
  const box = element("div", { className: "review-write" }, text, element("div", { className: "review-actions" }, send, " ", cancel));
  const notes = $(":scope > .review-notes", node);
  (notes || $(":scope > .node-row", node)).after(box);
}

// --- the preview: a commented paragraph is marked, and a click on it shows the comment -----------

function markPreview() {
  const live = $("#live");
  if (!live || !review.shown) return;
  live.querySelectorAll(".p-commented").forEach((marked) => { marked.classList.remove("p-commented"); marked.title = ""; });
  const open = review.shown.gop_y.filter((comment) => comment.khoi !== null && !comment.xong);
  for (const comment of open) {
    const node = nodeOf(comment.khoi);
    if (!node) continue;
    const appendix = comment.khoi.match(/^phu_luc\[(\d+)\]/);
    const outline = appendix ? document.getElementById(`outline-pl-${Number(appendix[1]) - 1}`) : $("#outline");
    const index = outline ? [...outline.querySelectorAll(".node")].indexOf(node) : -1;
    if (index < 0) continue;
    const where = appendix ? `[data-appendix="${Number(appendix[1]) - 1}"]` : ":not([data-appendix])";
    const paragraph = live.querySelector(`[data-block="${index}"]${where}`);
    if (!paragraph) continue;
    paragraph.classList.add("p-commented");
    paragraph.title = `Góp ý của ${comment.ten}: ${comment.noi_dung}`;
    paragraph.dataset.comment = comment.ma;
  }
}

function showCommentOf(event) {
  const paragraph = event.target.closest?.(".p-commented");
  const note = paragraph && document.querySelector(`#fields .review-note[data-comment="${CSS.escape(paragraph.dataset.comment)}"]`);
  if (note) note.scrollIntoView({ block: "center", behavior: "smooth" });
}

const previewObserver = new MutationObserver(() => requestAnimationFrame(markPreview));

// The drafter moves and adds blocks before saving: the comments follow their blocks on the page.
// Only a redraw of blocks counts (not a label's number or a problem's mark): a comment being written is kept.
const observer = new MutationObserver((records) => {
  const blocksRedrawn = records.some((record) => [...record.addedNodes, ...record.removedNodes].some(
    (node) => node.nodeType === Node.ELEMENT_NODE && (node.matches(".node, fieldset") || node.querySelector(".node"))));
  if (blocksRedrawn) requestAnimationFrame(drawNotes);
});

function placeAgainstPage() {
  clearTimeout(review.placeTimer);
  if (!review.shown || !review.shown.gop_y.length) return;
  review.placeTimer = setTimeout(async () => {
    const notice = currentNotice();
    if (!notice || notice.path !== review.shown.path) return;
    const { ok, payload } = await apiJson("/api/review/placed", { method: "POST", json: { path: notice.path, data: notice.data } });
    if (!ok || review.shown.path !== notice.path) return;
    const at = new Map(payload.gop_y.map((placed) => [placed.ma, placed]));
    review.shown.gop_y = review.shown.gop_y.map((comment) => ({ ...comment, ...(at.has(comment.ma) ? { khoi: at.get(comment.ma).khoi, khoi_da_sua: at.get(comment.ma).khoi_da_sua } : {}) }));
    drawNotes();
  }, PLACE_PAUSE_MS);
}

// --- the list of notices: each one's state, and "Chờ tôi duyệt" --------------------------------------

async function drawListStates() {
  if (Date.now() - review.listingAt > 2000) {
    review.listingAt = Date.now();
    const { ok, payload } = await apiJson("/api/review/list");
    if (!ok) return;
    review.listing = payload;
  }
  const listing = review.listing;
  if (!listing) return;
  document.querySelectorAll("#notices tr[data-path]").forEach((row) => {   // rows are kept across redraws: the badge follows the state
    const state = listing.trang_thai[row.dataset.path];
    const cell = $("td.summary", row);
    const shown = cell && $(".review-state", cell);
    if (!cell || (shown?.dataset.ma ?? null) === (state?.ma ?? null)) return;
    shown?.previousSibling?.remove();   // the space before it
    shown?.remove();
    if (!state) return;
    const badge = stateBadge(state.ma, state.nhan);
    badge.dataset.ma = state.ma;
    cell.append(" ", badge);
  });
  let mine = $("#review-mine");
  if (!mine) {
    mine = element("section", { id: "review-mine", className: "review-mine" });
    $("table.notices").before(mine);
  }
  const titles = new Map(listedNotices().map((notice) => [notice.path, notice.trich_yeu]));
  mine.hidden = !listing.cho_toi_duyet.length;
  // drawn again only when it says something else: a click on "Mở để duyệt" is never lost to a redraw of the same list
  const drawn = JSON.stringify([listing.cho_toi_duyet, listing.cho_toi_duyet.map((waiting) => titles.get(waiting.path))]);
  if (mine.dataset.drawn === drawn) return;
  mine.dataset.drawn = drawn;
  mine.replaceChildren(
    element("h2", { textContent: `Chờ tôi duyệt (${listing.cho_toi_duyet.length})` }),
    element("ul", {}, ...listing.cho_toi_duyet.map((waiting) => {
      const open = button("Mở để duyệt", () => openNotice(waiting.path));
      const said = `${waiting.nguoi_trinh ? `${waiting.nguoi_trinh} trình` : "Trình"}${waiting.luc ? ` lúc ${waiting.luc}` : ""}${waiting.sua_sau_duyet ? "; đã sửa sau khi duyệt" : ""}`;
      const item = element("li", {}, element("span", { className: "review-mine-title", textContent: titles.get(waiting.path) || waiting.path }), element("span", { className: "review-mine-said", textContent: said }), open);
      item.dataset.path = waiting.path;
      return item;
    })),
  );
}

document.addEventListener("tbkl:opened", load);
if ($("#live")) {
  previewObserver.observe($("#live"), { childList: true });   // the preview is drawn anew after each check
  $("#live").addEventListener("click", showCommentOf);
}
document.addEventListener("tbkl:saved", load);
document.addEventListener("tbkl:changed", placeAgainstPage);
document.addEventListener("tbkl:listed", drawListStates);

// app.js may have drawn the list or opened a notice before this module ran (each module script
// runs in a task of its own): catch up with what is already on the page.
if (currentNotice()) load();
if (document.querySelector("#notices tr[data-path]")) drawListStates();
