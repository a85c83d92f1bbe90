// Issuing (phát hành) and the register (sổ đăng ký văn bản đi), for the clerk.
// The dialog takes the number (the register's next, or the one the e-office system gave) and the
// date, issues the saved source through the server (`/api/issue`: the final .docx, PDF/A, the
// register's row, a git commit and tag), then offers the final files. The register's view lists
// what was issued, by year, and exports it as .xlsx or .csv. The server decides who may issue.

import { api, apiJson, banner, datePicker, status } from "./app.js";

const $ = (selector, root = document) => root.querySelector(selector);

function element(tag, properties = {}, children = []) {
  const made = Object.assign(document.createElement(tag), properties);
  made.append(...children);
  return made;
}

function currentPath() {
  const wanted = decodeURIComponent(location.hash.slice(1));
  return wanted && !document.body.classList.contains("listing") ? wanted : null;
}

async function saveAs(response, fallback) {
  if (!response.ok) {
    const payload = await response.json().catch(() => ({ loi: `lỗi ${response.status}` }));
    banner(payload.loi, { error: true });
    return;
  }
  const blob = await response.blob();
  const match = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get("Content-Disposition") || "");
  const link = element("a", { href: URL.createObjectURL(blob), download: match ? decodeURIComponent(match[1]) : fallback });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  status(`Đã tải ${link.download}`);
}

// --- the issue dialog ------------------------------------------------------------------------

const dialog = element("dialog", { id: "issue-dialog", className: "issue-dialog" });
dialog.setAttribute("aria-labelledby", "issue-title");

function downloads(path) {
  return element("div", { className: "issue-downloads" }, [
    button("Tải bản Word (.docx)", () => api(`/api/issue/file?path=${encodeURIComponent(path)}&dang=docx`).then((r) => saveAs(r, "phat-hanh.docx")), "issue-docx"),
    button("Tải bản PDF/A", () => api(`/api/issue/file?path=${encodeURIComponent(path)}&dang=pdf`).then((r) => saveAs(r, "phat-hanh.pdf")), "issue-pdf"),
  ]);
}

function button(label, handler, id) {
  const made = element("button", { type: "button", textContent: label });
  if (id) made.id = id;
  made.addEventListener("click", handler);
  return made;
}

function issuedSummary(entry) {
  return element("p", { className: "issue-done", id: "issue-done" }, [
    `Đã phát hành số ${entry.so_ky_hieu} ngày ${entry.ngay}`,
    element("br"),
    element("small", { textContent: `Người phát hành: ${entry.nguoi_phat_hanh}` }),
  ]);
}

async function openIssue() {
  const path = currentPath();
  if (!path) return;
  const { ok, payload } = await apiJson(`/api/issue/plan?path=${encodeURIComponent(path)}`);
  if (!ok) { banner(payload.loi, { error: true }); return; }
  const close = button("Đóng", () => dialog.close(), "issue-close");
  const head = element("h2", { id: "issue-title", textContent: "Phát hành văn bản" });
  const what = element("p", { className: "issue-what" }, [
    element("b", { textContent: payload.ten_loai }), ` · ký hiệu ${payload.ky_hieu} · dãy số “${payload.day_so}”`,
    element("br"), element("small", { textContent: payload.path }),
  ]);
  if (payload.phat_hanh) {
    dialog.replaceChildren(head, what, issuedSummary(payload.phat_hanh), downloads(payload.path), element("div", { className: "issue-actions" }, [close]));
    dialog.showModal();
    return;
  }
  const nextChoice = element("input", { type: "radio", name: "issue-number", id: "issue-from-register", value: "register", checked: true });
  const typedChoice = element("input", { type: "radio", name: "issue-number", id: "issue-from-eoffice", value: "eoffice" });
  const typed = element("input", { type: "text", id: "issue-number", inputMode: "numeric", placeholder: "ví dụ 125", size: 8, disabled: true });
  typed.setAttribute("aria-label", "Số do hệ thống e-office cấp");
  for (const choice of [nextChoice, typedChoice]) {
    choice.addEventListener("change", () => { typed.disabled = !typedChoice.checked; if (!typed.disabled) typed.focus(); });
  }
  const date = element("input", { type: "text", id: "issue-date", value: payload.hom_nay, placeholder: "ngày/tháng/năm", size: 12 });
  date.setAttribute("aria-label", "Ngày ban hành");
  const result = element("div", { id: "issue-result", className: "issue-result", role: "status" });
  const go = button("Phát hành", () => issueNow(payload, { typed: typedChoice.checked ? typed.value : null, date: date.value, result, go, inputs }), "issue-go");
  go.className = "primary";
  go.disabled = !payload.duoc_phat_hanh;
  const numbers = element("fieldset", { className: "issue-numbers" }, [
    element("legend", { textContent: "Số văn bản" }),
    element("label", {}, [nextChoice, ` Số tiếp theo của sổ đăng ký năm ${payload.nam}: `, element("b", { id: "issue-next", textContent: `${payload.so_tiep}/${payload.ky_hieu}` })]),
    element("label", {}, [typedChoice, " Số do hệ thống e-office (iOffice, VOffice…) cấp: ",
      element("span", { className: "nowrap" }, [typed, ` /${payload.ky_hieu}`])]),
  ]);
  const picker = datePicker(date);
  const when = element("label", { className: "issue-date" }, ["Ngày ban hành ", date, picker]);
  const inputs = [nextChoice, typedChoice, typed, date, picker];
  const note = element("p", { className: "issue-note", textContent: payload.duoc_phat_hanh
    ? "Phát hành bản đã được duyệt: số và ngày được ghi vào văn bản, lưu bản Word và PDF/A, thêm một dòng vào sổ đăng ký văn bản đi; sau đó văn bản không sửa được nữa."
    : "Chỉ văn thư được phát hành văn bản." });
  dialog.replaceChildren(head, what, numbers, when, note, result, element("div", { className: "issue-actions" }, [go, close]));
  dialog.showModal();
}

async function issueNow(plan, { typed, date, result, go, inputs }) {
  go.disabled = true;
  result.className = "issue-result";
  result.replaceChildren("Đang phát hành: ghi số, xuất bản Word và PDF/A bằng LibreOffice…");
  const { ok, payload } = await apiJson("/api/issue", { method: "POST", json: { path: plan.path, so: typed, ngay: date } });
  if (!ok) {
    result.className = "issue-result error";
    result.replaceChildren(payload.loi);
    go.disabled = false;
    return;
  }
  result.replaceChildren(issuedSummary(payload.phat_hanh), downloads(plan.path));
  go.hidden = true;
  for (const input of inputs) input.disabled = true;
  dialog.addEventListener("close", () => location.reload(), { once: true });   // the source on disk now has its number
  markIssued(payload.phat_hanh);
}

// --- the register's view ---------------------------------------------------------------------

const book = element("dialog", { id: "register-dialog", className: "register-dialog" });
book.setAttribute("aria-labelledby", "register-title");

async function openRegister(year = "") {
  const { ok, payload } = await apiJson(`/api/register${year ? `?nam=${year}` : ""}`);
  if (!ok) { banner(payload.loi, { error: true }); return; }
  const years = element("select", { id: "register-year" }, [element("option", { value: "", textContent: "Mọi năm" }),
    ...payload.nam.map((y) => element("option", { value: String(y), textContent: String(y) }))]);
  years.value = year;
  years.setAttribute("aria-label", "Năm");
  years.addEventListener("change", () => openRegister(years.value));
  const exportAs = (kind) => api(`/api/register/export?dang=${kind}${years.value ? `&nam=${years.value}` : ""}`).then((r) => saveAs(r, `so-dang-ky.${kind}`));
  const columns = ["Số, ký hiệu", "Ngày", "Loại", "Trích yếu", "Người ký", "Nơi nhận", "Tệp nguồn"];
  const rows = payload.dong.map((row) => element("tr", {}, [
    element("td", { className: "nowrap", textContent: row.so_ky_hieu }),
    element("td", { className: "nowrap", textContent: row.ngay }),
    element("td", { textContent: row.loai === "thong_bao" ? "Thông báo" : row.loai === "giay_moi" ? "Giấy mời" : row.loai === "cong_van" ? "Công văn" : row.loai }),
    element("td", { className: "summary", textContent: row.trich_yeu }),
    element("td", { textContent: row.nguoi_ky }),
    element("td", { className: "recipients", textContent: row.noi_nhan }),
    element("td", {}, [element("a", { href: `#${encodeURIComponent(row.tep_nguon)}`, onclick: () => book.close(), textContent: row.tep_nguon.split("/").pop() })]),
  ]));
  const table = element("table", { className: "register" }, [
    element("thead", {}, [element("tr", {}, columns.map((c) => element("th", { textContent: c })))]),
    element("tbody", { id: "register-rows" }, rows.length ? rows : [element("tr", {}, [element("td", { colSpan: columns.length, className: "empty", textContent: "Chưa có văn bản nào được phát hành." })])]),
  ]);
  book.replaceChildren(
    element("div", { className: "register-head" }, [
      element("h2", { id: "register-title", textContent: "Sổ đăng ký văn bản đi" }), years,
      element("span", { className: "register-count", textContent: `${payload.dong.length} văn bản` }),
      element("span", { className: "spacer" }),
      button("Xuất Excel (.xlsx)", () => exportAs("xlsx"), "register-xlsx"),
      button("Xuất .csv", () => exportAs("csv"), "register-csv"),
      button("Đóng", () => book.close(), "register-close"),
    ]),
    element("div", { className: "register-scroll" }, [table]),
  );
  if (!book.open) book.showModal();
}

// --- hooks into the page ---------------------------------------------------------------------

const issueButton = button("Phát hành…", openIssue, "issue-open");
issueButton.title = "Cấp số, ngày và phát hành văn bản (văn thư)";
issueButton.dataset.quyen = "phat-hanh";

function markIssued(entry) {
  issueButton.textContent = entry ? `Đã phát hành ${entry.so_ky_hieu}` : "Phát hành…";
  issueButton.classList.toggle("issued", Boolean(entry));
  issueButton.dataset.quyen = entry ? "" : "phat-hanh";   // what was issued everyone may see; issuing is the clerk's
  const save = $("#save");
  if (save) {
    save.disabled = Boolean(entry);
    save.title = entry ? "Văn bản đã phát hành: không sửa được" : "Lưu (Ctrl+S)";
  }
}

async function noticeOpened() {
  const path = currentPath();
  if (!path) return;
  const { ok, payload } = await apiJson(`/api/issue/plan?path=${encodeURIComponent(path)}`);
  if (path === currentPath()) markIssued(ok ? payload.phat_hanh : null);
}

function hook() {
  document.body.append(dialog, book);
  const tools = $(".bar .editor-only");
  if (tools) tools.append(issueButton);
  // everyone who reads the workspace sees the register (the clerk above all): not among the drafter's tools
  const search = $(".list-tools #search");
  if (search) search.after(element("div", { className: "register-tools" }, [button("Sổ đăng ký văn bản đi", () => openRegister(), "register-open")]));
  const name = $("#file-name");
  if (name) new MutationObserver(noticeOpened).observe(name, { childList: true, characterData: true, subtree: true });
}

hook();
