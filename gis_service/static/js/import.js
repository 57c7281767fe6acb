// The /import page: upload → dry-run report → confirm. Every text from the file or the
// server goes into the page through textContent, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const status = $("status");
  $("token").value = sessionStorage.getItem("gis-token") || "";

  function query(dryRun) {
    const params = new URLSearchParams({ dry_run: String(dryRun) });
    for (const name of ["category", "effective_date", "crs"]) {
      if ($(name).value) params.set(name, $(name).value);
    }
    if ($("gcj02").checked) params.set("gcj02", "true");
    return params;
  }

  async function send(dryRun) {
    const file = $("file").files[0];
    if (!file) return;
    sessionStorage.setItem("gis-token", $("token").value);
    const form = new FormData();
    form.append("file", file);
    setStatus(dryRun ? "正在预览…" : "正在导入…", "");
    // Signed in: the session cookie and its CSRF token (yatou.fetch); a token typed in the
    // form (scripts, or a planner without a password) goes as a Bearer header instead.
    const token = $("token").value;
    const response = await yatou.fetch("/api/imports?" + query(dryRun), {
      method: "POST",
      headers: token ? { Authorization: "Bearer " + token } : {},
      body: form,
    });
    const body = await response.json().catch(() => ({ message: response.statusText }));
    if (!response.ok) {
      setStatus("错误 " + response.status + "：" + (body.message || ""), "error");
      return;
    }
    show(body);
  }

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = kind;
  }

  function fill(tableId, rows) {
    const tbody = $(tableId).querySelector("tbody");
    tbody.replaceChildren();
    for (const cells of rows) {
      const tr = document.createElement("tr");
      for (const value of cells) {
        const td = document.createElement("td");
        td.textContent = value === null || value === undefined ? "" : shortText(value);
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
  }

  function shortText(value) {
    if (typeof value === "object") {
      return value.type ? "<" + value.type + ">" : JSON.stringify(value);
    }
    return String(value);
  }

  function shownValue(value) {
    return value === null || value === undefined ? "（空）" : value;
  }

  function show(report) {
    $("report").hidden = false;
    $("report-title").textContent = report.applied ? "导入结果" : "预览结果";
    $("crs-decision").textContent =
      "坐标判断：" + (report.crs.crs || "无") + "（" + report.crs.reason + "）";
    $("n-read").textContent = report.rows_read;
    for (const key of ["create", "update", "unchanged", "refused"]) {
      $("n-" + key).textContent = report.counts[key];
    }
    fill("refused", report.refused.map((r) => [r.row, r.sheet, r.label, r.value, r.reason]));
    fill("created", report.create.map((c) => [c.code, c.row]));
    fill("notes", report.notes.map((n) => [n.code, n.row, n.note]));
    const changes = [];
    for (const u of report.update) {
      for (const c of u.changes) {
        changes.push([u.code, u.row, c.label, shownValue(c.old), shownValue(c.new)]);
      }
    }
    fill("updated", changes);
    const writable = report.counts.refused === 0 && report.counts.create + report.counts.update > 0;
    $("confirm").disabled = !(report.dry_run && writable);
    if (report.applied) {
      setStatus("已导入：新建 " + report.counts.create + "，更新 " + report.counts.update, "ok");
    } else if (report.counts.refused > 0) {
      setStatus("有被拒绝的行，未写入任何数据。请修改文件后重新预览。", "error");
    } else {
      setStatus(writable ? "预览完成，确认后写入。" : "没有需要写入的变化。", "ok");
    }
  }

  $("upload").addEventListener("submit", (event) => {
    event.preventDefault();
    send(true);
  });
  $("confirm").addEventListener("click", () => {
    $("confirm").disabled = true;
    send(false);
  });
})();
