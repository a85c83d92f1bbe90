// The history panel: the versions of the open notice (who, when, what they said), one opened
// read-only with its preview, two compared word by word as the drafter reads them (field labels,
// removed words struck through, added words underlined), and a restore as a new version.
// Everything comes from the server (`/api/history…`); the page's own requests go through
// app.js's `window.tbklPage`, so they carry what every request of the page carries.

const $ = (selector, root = document) => root.querySelector(selector);
const page = () => window.tbklPage;

const panel = {
  path: null,
  versions: [],
  element: null,
};

function make(tag, props = {}, children = []) {
  const element = Object.assign(document.createElement(tag), props);
  element.append(...children);
  return element;
}

function button(label, handler, props = {}) {
  const element = make("button", { type: "button", textContent: label, ...props });
  element.addEventListener("click", handler);
  return element;
}

function when(version) { return `${version.luc} – ${version.nguoi}`; }

// A restore is a save: shown only to whom may save (page.css hides `data-quyen="soan"`; the server refuses it anyway).
function restoreButton(label, handler, props = {}) {
  const element = button(label, handler, props);
  element.dataset.quyen = "soan";
  return element;
}

// --- the warnings every change through the page may carry (no history, a push that failed) -------

function showWarning(text) {
  let element = $("#history-warning");
  if (!element) {
    element = make("div", { id: "history-warning", className: "banner error", role: "alert" });
    $("#banner").after(element);
  }
  element.replaceChildren();
  element.hidden = !text;
  if (text) element.append(make("span", { textContent: text }), button("Đóng", () => { element.hidden = true; }));
}

window.addEventListener("tbkl-lich-su", (event) => {
  const detail = event.detail || {};
  showWarning(detail.canh_bao || "");
  if (panel.element && !panel.element.hidden && panel.path) listVersions(panel.path);
});

// --- the panel ------------------------------------------------------------------------------------

function build() {
  const element = make("aside", { id: "history-panel", className: "history-panel", hidden: true });
  element.setAttribute("aria-label", "Lịch sử của thông báo");
  element.append(
    make("header", { className: "history-head" }, [
      make("h2", { id: "history-title", textContent: "Lịch sử" }),
      button("✕", close, { className: "link", title: "Đóng lịch sử", id: "history-close" }),
    ]),
    make("p", { id: "history-remote", className: "history-remote", hidden: true }),
    make("div", { className: "history-compare" }, [
      make("label", { textContent: "So sánh " }, [make("select", { id: "history-old" })]),
      make("label", { textContent: " với " }, [make("select", { id: "history-new" })]),
      button("So sánh", () => compare($("#history-old").value, $("#history-new").value), { id: "history-compare" }),
    ]),
    make("ol", { id: "history-list", className: "history-list" }),
    make("section", { id: "history-detail", className: "history-detail" }),
  );
  document.body.append(element);
  return element;
}

async function open() {
  const path = page().path();
  if (!path) return;
  panel.element = panel.element || build();
  panel.element.hidden = false;
  document.body.classList.add("with-history");
  await listVersions(path);
}

function close() {
  if (panel.element) panel.element.hidden = true;
  document.body.classList.remove("with-history");
}

// "Lưu notices/2026/….yaml" under the notice's own title: the message without the file's name, which the title says
function withoutPath(message, path) {
  return message.split(path).join("").replace(/\s{2,}/g, " ").replace(/(\s+của)?[\s:]*$/, "").trim() || message;
}

async function listVersions(path) {
  panel.path = path;
  $("#history-title").textContent = `Lịch sử: ${path}`;
  const { ok, payload } = await page().apiJson(`/api/history?path=${encodeURIComponent(path)}`);
  const list = $("#history-list");
  list.replaceChildren();
  if (!ok) { list.append(make("li", { className: "history-error", textContent: payload.loi })); return; }
  panel.versions = payload.phien_ban;
  const remote = $("#history-remote");
  remote.hidden = !payload.kho_chung;
  if (payload.kho_chung) {
    const waiting = payload.kho_chung.cho_gui;
    remote.textContent = waiting
      ? `Kho chung “${payload.kho_chung.ten}”: ${waiting} phiên bản chưa gửi, sẽ gửi ở lần lưu sau.`
      : `Kho chung “${payload.kho_chung.ten}”: đã gửi đủ.`;
    remote.classList.toggle("waiting", Boolean(waiting));
  }
  if (!panel.versions.length) list.append(make("li", { textContent: "Chưa có phiên bản nào trong lịch sử: phiên bản đầu tiên được ghi khi lưu." }));
  panel.versions.forEach((version, index) => {
    const earlier = panel.versions[index + 1];
    const actions = make("span", { className: "history-actions" }, [
      button("Xem", () => show(version), { className: "history-open" }),
      earlier ? button("So với bản trước", () => compare(earlier.commit, version.commit), { className: "history-diff" }) : "",
      index > 0 ? restoreButton("Khôi phục", () => askRestore(version), { className: "history-restore" }) : make("span", { className: "history-current", textContent: "bản hiện tại" }),
    ]);
    list.append(make("li", { className: "history-version" }, [
      make("div", { className: "history-line" }, [
        make("strong", { textContent: version.luc }), " ", make("span", { className: "history-who", textContent: version.nguoi, title: version.email }),
      ]),
      make("div", { className: "history-message", textContent: withoutPath(version.loi_nhan, path) }),
      actions,
    ]));
  });
  for (const [id, chosen] of [["#history-old", 1], ["#history-new", 0]]) {
    const select = $(id);
    select.replaceChildren(...panel.versions.map((version) => make("option", { value: version.commit, textContent: when(version) })));
    if (panel.versions[chosen]) select.value = panel.versions[chosen].commit;
  }
  $("#history-compare").disabled = panel.versions.length < 2;
}

async function show(version) {
  const detail = $("#history-detail");
  detail.replaceChildren(make("p", { className: "hint", textContent: "Đang mở…" }));
  const query = `path=${encodeURIComponent(panel.path)}&commit=${encodeURIComponent(version.commit)}`;
  const { ok, payload } = await page().apiJson(`/api/history/version?${query}`);
  if (!ok) { detail.replaceChildren(make("p", { className: "history-error", textContent: payload.loi })); return; }
  const current = panel.versions[0] && panel.versions[0].commit === version.commit;
  const sheet = make("div", { className: "history-preview" });
  if (payload.preview) {
    sheet.innerHTML = payload.preview;   // built by the server from escaped text only, as the live preview
    sheet.querySelectorAll("[data-mm]").forEach((element) => { element.style.width = `${element.dataset.mm}mm`; });
  } else {
    sheet.append(make("pre", { className: "history-text", textContent: payload.dong.join("\n") }));
  }
  detail.replaceChildren(
    make("h3", { textContent: `Phiên bản ${version.luc} của ${version.nguoi} (chỉ xem)` }),
    make("p", { className: "history-message", textContent: version.loi_nhan }),
    make("div", { className: "history-buttons" }, [
      current ? "" : restoreButton("Khôi phục phiên bản này", () => askRestore(version)),
      current ? "" : button("So với bản hiện tại", () => compare(version.commit, panel.versions[0].commit)),
    ]),
    sheet,
  );
}

async function compare(old, fresh) {
  const detail = $("#history-detail");
  const byId = (commit) => panel.versions.find((version) => version.commit === commit);
  const [before, after] = [byId(old), byId(fresh)];
  const query = `path=${encodeURIComponent(panel.path)}&cu=${encodeURIComponent(old)}&moi=${encodeURIComponent(fresh)}`;
  const { ok, payload } = await page().apiJson(`/api/history/compare?${query}`);
  if (!ok) { detail.replaceChildren(make("p", { className: "history-error", textContent: payload.loi })); return; }
  const title = make("h3", { textContent: `Những chữ đã sửa từ bản ${before ? when(before) : "?"} đến bản ${after ? when(after) : "?"}` });
  const legend = make("p", { className: "history-legend" }, [
    make("del", { textContent: "chữ đã bỏ" }), " · ", make("ins", { textContent: "chữ đã thêm" }),
  ]);
  const hunks = payload.khac_biet;
  if (!hunks.length) { detail.replaceChildren(title, make("p", { textContent: "Hai phiên bản giống nhau." })); return; }
  const body = make("div", { className: "history-diff-body" });
  for (const hunk of hunks) {
    const block = make("div", { className: "history-hunk" });
    for (const line of hunk.dong) {
      const row = make("p");
      line.forEach(([kind, text], index) => {
        if (index) row.append(" ");
        row.append(kind === "+" ? make("ins", { textContent: text }) : kind === "-" ? make("del", { textContent: text }) : text);
      });
      block.append(row);
    }
    body.append(block);
  }
  detail.replaceChildren(title, legend, body);
}

function askRestore(version) {
  const detail = $("#history-detail");
  const unsaved = page().unsaved();
  detail.replaceChildren(
    make("h3", { textContent: `Khôi phục phiên bản ${version.luc} của ${version.nguoi}?` }),
    make("p", {
      textContent: "Nội dung của phiên bản đó được ghi lại thành một phiên bản mới mang tên bạn; các phiên bản khác vẫn còn trong lịch sử."
        + (unsaved ? " Những thay đổi bạn chưa lưu trên trang sẽ bị thay bằng phiên bản được khôi phục." : ""),
    }),
    make("div", { className: "history-buttons" }, [
      button("Khôi phục", () => restore(version), { id: "history-confirm-restore" }),
      button("Thôi", () => show(version)),
    ]),
  );
}

async function restore(version) {
  const { ok, payload } = await page().apiJson("/api/history/restore", { method: "POST", json: { path: panel.path, commit: version.commit } });
  const detail = $("#history-detail");
  if (!ok) { detail.replaceChildren(make("p", { className: "history-error", textContent: payload.loi })); return; }
  await page().reopen(payload.path, { keepBanner: true });
  page().banner(payload.lich_su.phien_ban
    ? `Đã khôi phục phiên bản ${version.luc} của ${version.nguoi} thành phiên bản mới.`
    : `Nội dung hiện tại đã giống phiên bản ${version.luc} của ${version.nguoi}; không cần phiên bản mới.`);
  detail.replaceChildren();
  await listVersions(payload.path);
}

function hook() {
  const save = $("#save");
  if (!save || $("#history-open")) return;
  save.parentElement.append(button("Lịch sử", open, { id: "history-open", title: "Các phiên bản đã lưu của thông báo này" }));
}

hook();

// Another notice opened while the panel is open: its history; the list of notices: the panel closes.
new MutationObserver(() => {
  if (!panel.element || panel.element.hidden) return;
  const path = page().path();
  if ($("#editor-view").hidden || !path) close();
  else if (path !== panel.path) { $("#history-detail").replaceChildren(); listVersions(path); }
}).observe($("#file-name"), { childList: true, characterData: true, subtree: true });
