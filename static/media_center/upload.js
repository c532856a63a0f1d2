/* Resumable video upload: chunks to the server, or parts straight to S3 with presigned URLs.
   A failed request is retried with back-off; choosing the same file again resumes where the server stands. */
(function () {
  "use strict";
  const form = document.getElementById("video-upload");
  if (!form) return;
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const statusLine = document.getElementById("upload-status");
  const bar = document.getElementById("upload-progress");
  const say = (text) => { statusLine.textContent = text; };

  async function request(url, options, attempts = 6) {
    for (let attempt = 1; ; attempt++) {
      try {
        const ownServer = url.startsWith("/");  // presigned bucket URLs get no cookie and no CSRF header
        const headers = { ...(ownServer ? { "X-CSRFToken": csrf } : {}), ...(options.headers || {}) };
        const response = await fetch(url, { credentials: ownServer ? "same-origin" : "omit", ...options, headers });
        if (response.status < 500) return response;
        if (attempt >= attempts) return response;
      } catch (error) {
        if (attempt >= attempts) throw error;
      }
      say(`网络不稳定，第 ${attempt} 次重试…`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 1000 * 2 ** attempt)));
    }
  }

  async function json(url, body) {
    const response = await request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const data = await response.json();
    if (!response.ok) throw Object.assign(new Error(data.error || `上传失败（${response.status}）`), { status: response.status, received: data.received });
    return data;
  }

  const resumeKey = (file) => `video-upload:${file.name}:${file.size}:${file.lastModified}`;

  async function begin(file, title) {
    const saved = localStorage.getItem(resumeKey(file));
    if (saved) {
      const response = await request(`${form.dataset.startUrl.replace(/start\/$/, "")}${saved}/`, { method: "GET" });
      if (response.ok) return response.json();
    }
    const state = await json(form.dataset.startUrl, { filename: file.name, size: file.size, title });
    localStorage.setItem(resumeKey(file), state.key);
    return state;
  }

  // Whenever the server answers 409 it says where its file ends, and we continue from there: after a chunk
  // it already has, and after `complete` found stored chunks that differ from what was sent (a few times at most).
  async function sendLocal(file, state) {
    let offset = state.received;
    for (let round = 1; ; round++) {
      while (offset < file.size) {
        const chunk = file.slice(offset, offset + state.chunk_bytes);
        const response = await request(`${state.chunk_url}?offset=${offset}`, { method: "POST", body: chunk, headers: { "Content-Type": "application/octet-stream" } });
        const data = await response.json();
        if (response.status === 409) { offset = data.received; continue; }
        if (!response.ok) throw new Error(data.error || "分片上传失败");
        offset = data.received;
        progress(offset, file.size);
      }
      try {
        return await json(state.complete_url, {});
      } catch (error) {
        if (error.status !== 409 || round >= 3) throw error;
        offset = error.received;
        say(error.message);
      }
    }
  }

  async function sendToBucket(file, state) {
    const count = Math.ceil(file.size / state.chunk_bytes);
    const parts = [];
    for (let number = 1; number <= count; number++) {
      const { urls } = await json(state.parts_url, { numbers: [number] });
      const blob = file.slice((number - 1) * state.chunk_bytes, number * state.chunk_bytes);
      const response = await request(urls[number], { method: "PUT", body: blob });
      if (!response.ok) throw new Error(`第 ${number} 段上传失败（${response.status}）`);
      parts.push({ PartNumber: number, ETag: response.headers.get("ETag") });
      progress(Math.min(file.size, number * state.chunk_bytes), file.size);
    }
    return json(state.complete_url, { parts });
  }

  function progress(done, total) {
    bar.hidden = false;
    bar.value = done / total;
    say(`已上传 ${(100 * done / total).toFixed(1)}%`);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = form.querySelector("[name=file]").files[0];
    if (!file) { say("请选择一个视频文件。"); return; }
    if (file.size > Number(form.dataset.maxBytes)) { say("文件超过大小上限。"); return; }
    form.querySelector("button").disabled = true;
    try {
      const state = await begin(file, form.querySelector("[name=title]").value);
      const done = state.mode === "s3" ? await sendToBucket(file, state) : await sendLocal(file, state);
      localStorage.removeItem(resumeKey(file));
      say("上传完成，开始检测和转码…");
      window.location.href = done.edit_url;
    } catch (error) {
      say(`${error.message}。重新选择同一个文件可从断点继续。`);
      form.querySelector("button").disabled = false;
    }
  });
})();
