// Who is logged in: the name and role in the bar, the other workspaces, logout. What the role cannot
// do the server has marked on <body> already (`khong-<action>`, page.css hides it; the server refuses
// it anyway). In the single-user mode it shows nothing.

const TOKEN = document.querySelector('meta[name="tbkl-token"]').content;
const BASE = document.querySelector('meta[name="tbkl-base"]')?.content || "";
const $ = (selector) => document.querySelector(selector);

async function logout() {
  const response = await fetch("/dang-xuat", { method: "POST", headers: { "X-Tbkl-Token": TOKEN }, credentials: "same-origin" });
  if (response.ok || response.status === 401) location.assign("/dang-nhap");
}

async function who() {
  const logoutButton = $("#logout");
  if (logoutButton) logoutButton.addEventListener("click", logout);
  if (!$("#who") || !BASE) return;  // the chooser's bar is drawn by the server; the single-user page has no account
  const response = await fetch(`${BASE}/api/toi`, { headers: { "X-Tbkl-Token": TOKEN }, credentials: "same-origin" });
  if (!response.ok) return;
  const me = await response.json();
  if (!me.dang_nhap) return;
  $("#who").textContent = `${me.ho_ten} · ${me.vai_tro.join(", ")}`;
  $("#who").title = `Tài khoản: ${me.ten_dang_nhap}`;
  $("#who").hidden = false;
  logoutButton.hidden = false;
  const picker = $("#workspace-picker");
  if (picker && me.thu_muc.length > 1) {
    picker.replaceChildren(...me.thu_muc.map((w) => Object.assign(document.createElement("option"), { value: w.dia_chi, textContent: w.ten, selected: w.ten === me.thu_muc_nay })));
    picker.hidden = false;
    picker.addEventListener("change", () => location.assign(picker.value));
  }
}

who();
