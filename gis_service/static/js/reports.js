// The /reports form: POST /api/reports as the signed-in planner (or with a typed token),
// then reload the list.
// Messages from the server are shown with textContent only (they are data, never markup).
(function () {
  "use strict";
  var form = document.getElementById("make");
  var status = document.getElementById("status");
  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {
      kind: document.getElementById("kind").value,
      period: document.getElementById("period").value.trim()
    };
    say("正在生成，约需十余秒……", false);
    // Signed in: the session cookie and its CSRF token (yatou.fetch); a typed token goes as
    // a Bearer header instead.
    var headers = {"Content-Type": "application/json"};
    var token = document.getElementById("token").value;
    if (token) headers.Authorization = "Bearer " + token;
    yatou.fetch("/api/reports", {
      method: "POST",
      headers: headers,
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          say("生成失败：" + (data.message || response.status), true);
          return;
        }
        say("已生成 " + data.period + "，正在刷新列表。", false);
        window.location.reload();
      });
    }).catch(function () {
      say("生成失败：无法连接服务", true);
    });
  });
})();
