/* The classifying page: fetch subjects ahead (prefetch), render the workflow's tasks, send
   answers through the API, show gold feedback and stats, undo. Fully keyboard-operable:
   number keys pick answers in the current task, Enter sends, Z or Ctrl+Z undoes; on an image
   with marking tasks, arrow keys move a cross-hair and Space places a mark. */
(function () {
  "use strict";

  const root = document.getElementById("classifier");
  if (!root) return;
  const tasks = JSON.parse(document.getElementById("workflow-tasks").textContent);
  const text = document.getElementById("classifier-text").dataset;
  const view = document.getElementById("subject-view");
  const form = document.getElementById("answer-form");
  const taskList = document.getElementById("task-list");
  const feedback = document.getElementById("feedback");
  const undoButton = document.getElementById("undo-button");
  const submitButton = document.getElementById("submit-button");
  const talkLink = document.getElementById("talk-link");
  const heading = document.getElementById("subject-title");
  const PREFETCH = 2;

  let queue = [];
  let current = null;
  let previous = null;
  let marks = {};
  let cursor = { x: 0.5, y: 0.5 };
  let rectangleStart = null;
  let busy = false;
  let fetching = null;

  function headers(json) {
    const result = { "X-CSRFToken": root.dataset.csrf, Accept: "application/json" };
    if (json) result["Content-Type"] = "application/json";
    return result;
  }

  function say(message, kind) {
    feedback.textContent = "";
    const paragraph = document.createElement("p");
    paragraph.className = "message" + (kind ? " message-" + kind : "");
    paragraph.textContent = message;
    feedback.appendChild(paragraph);
    return paragraph;
  }

  function preload(subject) {
    if (subject.media_url && subject.kind !== "audio") {
      const image = new Image();
      image.src = subject.media_url;
    }
  }

  function fetchMore() {
    if (fetching) return fetching;
    const waiting = queue.map((subject) => subject.id);
    if (current) waiting.push(current.id);
    const url = root.dataset.nextUrl + "?count=" + PREFETCH + "&exclude=" + waiting.join(",");
    fetching = fetch(url, { headers: headers(false), credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : []))
      .then((subjects) => {
        subjects.forEach((subject) => {
          if (!queue.some((queued) => queued.id === subject.id) && (!current || current.id !== subject.id)) {
            queue.push(subject);
            preload(subject);
          }
        });
      })
      .finally(() => { fetching = null; });
    return fetching;
  }

  function option(name, type, value, label, index, id) {
    const wrapper = document.createElement("div");
    wrapper.className = "option";
    const input = document.createElement("input");
    input.type = type;
    input.name = name;
    input.value = value;
    input.id = id;
    const labelElement = document.createElement("label");
    labelElement.htmlFor = id;
    if (index <= 9) {
      const key = document.createElement("kbd");
      key.textContent = String(index);
      labelElement.appendChild(key);
      labelElement.appendChild(document.createTextNode(" "));
    }
    labelElement.appendChild(document.createTextNode(label));
    wrapper.append(input, labelElement);
    return wrapper;
  }

  function fieldset(task, legendText) {
    const set = document.createElement("fieldset");
    set.className = "task";
    set.dataset.key = task.key;
    set.dataset.kind = task.kind;
    const legend = document.createElement("legend");
    legend.textContent = legendText;
    set.appendChild(legend);
    return set;
  }

  function renderOptions(set, name, type, options) {
    options.forEach((choice, position) => {
      set.appendChild(option(name, type, choice.value, choice.label, position + 1,
        name + "-" + position));
    });
  }

  function renderSurvey(task, set) {
    const filterId = "filter-" + task.key;
    const filterLabel = document.createElement("label");
    filterLabel.htmlFor = filterId;
    filterLabel.textContent = text.filter;
    const filter = document.createElement("input");
    filter.type = "search";
    filter.id = filterId;
    filter.className = "survey-filter";
    set.append(filterLabel, filter);
    const choices = document.createElement("div");
    choices.className = "survey-choices";
    renderOptions(choices, "task-" + task.key, "radio", task.choices);
    set.appendChild(choices);
    // Enter in the filter picks the first choice still shown and leaves the filter, so the
    // next Enter sends the answer.
    filter.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const shown = Array.from(choices.querySelectorAll(".option")).find((row) => !row.hidden);
      if (!shown) return;
      const input = shown.querySelector("input");
      input.checked = true;
      input.focus();
    });
    filter.addEventListener("input", () => {
      const wanted = filter.value.trim().toLowerCase();
      choices.querySelectorAll(".option").forEach((row) => {
        row.hidden = wanted && !row.textContent.toLowerCase().includes(wanted);
      });
    });
    (task.questions || []).forEach((question) => {
      const sub = fieldset({ key: task.key + "." + question.key, kind: question.multiple ? "multiple" : "single" }, question.question);
      sub.classList.add("follow-up");
      renderOptions(sub, "task-" + task.key + "-" + question.key, question.multiple ? "checkbox" : "radio", question.answers);
      set.appendChild(sub);
    });
  }

  function renderMarking(task, set) {
    const status = document.createElement("p");
    status.className = "mark-status";
    status.id = "marks-" + task.key;
    set.appendChild(status);
    const tools = document.createElement("div");
    renderOptions(tools, "tool-" + task.key, "radio", task.tools);
    const first = tools.querySelector("input");
    if (first) first.checked = true;
    set.appendChild(tools);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button-secondary";
    remove.textContent = text.removeMark;
    remove.addEventListener("click", () => {
      (marks[task.key] || []).pop();
      drawMarks();
    });
    set.appendChild(remove);
  }

  function renderTasks() {
    taskList.textContent = "";
    marks = {};
    rectangleStart = null;
    tasks.forEach((task) => {
      const set = fieldset(task, task.question);
      if (task.kind === "single" || task.kind === "multiple") {
        renderOptions(set, "task-" + task.key, task.kind === "single" ? "radio" : "checkbox", task.answers);
      } else if (task.kind === "survey") {
        renderSurvey(task, set);
      } else if (task.kind === "text") {
        const id = "task-" + task.key;
        const label = document.createElement("label");
        label.htmlFor = id;
        label.className = "visually-hidden";
        label.textContent = task.question;
        const area = document.createElement("textarea");
        area.id = id;
        area.name = id;
        area.rows = 3;
        if (task.max_length) area.maxLength = task.max_length;
        set.append(label, area);
      } else {
        marks[task.key] = [];
        renderMarking(task, set);
      }
      taskList.appendChild(set);
    });
    drawMarks();
  }

  function markingTask() {
    return tasks.find((task) => task.kind === "point" || task.kind === "rectangle");
  }

  function renderSubject(subject) {
    view.textContent = "";
    heading.textContent = text.subject + " " + subject.external_id;
    if (subject.kind === "text") {
      const quote = document.createElement("blockquote");
      quote.textContent = subject.text;
      view.appendChild(quote);
    } else if (subject.kind === "audio") {
      const audio = document.createElement("audio");
      audio.controls = true;
      audio.src = subject.media_url;
      view.appendChild(audio);
    } else if (subject.media_url) {
      const frame = document.createElement("div");
      frame.className = "image-frame";
      const image = document.createElement("img");
      image.src = subject.media_url;
      image.alt = text.subject + " " + subject.external_id;
      frame.appendChild(image);
      if (markingTask()) {
        frame.tabIndex = 0;
        frame.setAttribute("role", "application");
        frame.setAttribute("aria-label", text.imageLabel);
        const overlay = document.createElement("div");
        overlay.className = "mark-layer";
        frame.appendChild(overlay);
        const crosshair = document.createElement("div");
        crosshair.className = "crosshair";
        frame.appendChild(crosshair);
        frame.addEventListener("click", (event) => {
          const box = frame.getBoundingClientRect();
          placeMark((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
        });
        frame.addEventListener("keydown", onImageKey);
      }
      view.appendChild(frame);
    }
    const metadata = Object.entries(subject.metadata || {});
    if (metadata.length) {
      const list = document.createElement("dl");
      list.className = "subject-metadata";
      metadata.forEach(([key, value]) => {
        const term = document.createElement("dt");
        term.textContent = key;
        const detail = document.createElement("dd");
        detail.textContent = String(value);
        list.append(term, detail);
      });
      view.appendChild(list);
    }
    talkLink.href = root.dataset.talkUrl.replace("/0/", "/" + subject.id + "/");
    talkLink.hidden = false;
    renderTasks();
    drawCrosshair();
  }

  function activeMarkingTask() {
    const task = markingTask();
    return task ? tasks.filter((t) => t.kind === "point" || t.kind === "rectangle")
      .find((t) => t.key === (document.activeElement.closest && document.activeElement.closest("fieldset.task")?.dataset.key)) || task : null;
  }

  function placeMark(x, y) {
    const task = activeMarkingTask();
    if (!task) return;
    const clamp = (value) => Math.min(1, Math.max(0, value));
    x = clamp(x);
    y = clamp(y);
    const tool = (form.querySelector("input[name='tool-" + task.key + "']:checked") || {}).value || task.tools[0].value;
    if (task.kind === "point") {
      marks[task.key].push({ tool: tool, x: x, y: y });
    } else if (!rectangleStart) {
      rectangleStart = { x: x, y: y };
    } else {
      marks[task.key].push({
        tool: tool, x: Math.min(x, rectangleStart.x), y: Math.min(y, rectangleStart.y),
        width: Math.abs(x - rectangleStart.x), height: Math.abs(y - rectangleStart.y),
      });
      rectangleStart = null;
    }
    drawMarks();
  }

  function drawMarks() {
    const layer = view.querySelector(".mark-layer");
    if (layer) layer.textContent = "";
    tasks.forEach((task) => {
      if (!(task.key in marks)) return;
      const status = document.getElementById("marks-" + task.key);
      if (status) status.textContent = text.marks + " " + marks[task.key].length;
      if (!layer) return;
      marks[task.key].forEach((mark) => {
        const shape = document.createElement("div");
        shape.className = mark.width === undefined ? "mark-point" : "mark-box";
        shape.style.left = mark.x * 100 + "%";
        shape.style.top = mark.y * 100 + "%";
        if (mark.width !== undefined) {
          shape.style.width = mark.width * 100 + "%";
          shape.style.height = mark.height * 100 + "%";
        }
        layer.appendChild(shape);
      });
    });
  }

  function drawCrosshair() {
    const crosshair = view.querySelector(".crosshair");
    if (!crosshair) return;
    crosshair.style.left = cursor.x * 100 + "%";
    crosshair.style.top = cursor.y * 100 + "%";
  }

  function onImageKey(event) {
    const step = event.shiftKey ? 0.1 : 0.02;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key]) {
      cursor.x = Math.min(1, Math.max(0, cursor.x + moves[event.key][0]));
      cursor.y = Math.min(1, Math.max(0, cursor.y + moves[event.key][1]));
      drawCrosshair();
      event.preventDefault();
    } else if (event.key === " ") {
      placeMark(cursor.x, cursor.y);
      event.preventDefault();
      event.stopPropagation();
    }
  }

  function collectAnswers() {
    const answers = {};
    tasks.forEach((task) => {
      const name = "task-" + task.key;
      if (task.kind === "single") {
        const picked = form.querySelector("input[name='" + name + "']:checked");
        if (picked) answers[task.key] = picked.value;
      } else if (task.kind === "multiple") {
        answers[task.key] = Array.from(form.querySelectorAll("input[name='" + name + "']:checked")).map((input) => input.value);
      } else if (task.kind === "survey") {
        const picked = form.querySelector("input[name='" + name + "']:checked");
        if (picked) {
          const followUps = {};
          (task.questions || []).forEach((question) => {
            const inputs = form.querySelectorAll("input[name='" + name + "-" + question.key + "']:checked");
            const values = Array.from(inputs).map((input) => input.value);
            if (values.length) followUps[question.key] = question.multiple ? values : values[0];
          });
          answers[task.key] = { choice: picked.value, answers: followUps };
        }
      } else if (task.kind === "text") {
        answers[task.key] = form.querySelector("#" + name).value;
      } else {
        answers[task.key] = marks[task.key] || [];
      }
    });
    return answers;
  }

  function missingTask(answers) {
    return tasks.find((task) => {
      if (task.required === false || task.kind === "point" || task.kind === "rectangle") return false;
      const answer = answers[task.key];
      return answer === undefined || answer === "" || (Array.isArray(answer) && !answer.length);
    });
  }

  // Focus starts on the first answer, never on a survey's filter: number keys then pick an
  // answer and Enter sends. The filter is one Shift+Tab away, or "/".
  function focusFirstInput() {
    const first = taskList.querySelector("input:not(.survey-filter), textarea");
    (first || heading).focus();
  }

  function showFinished() {
    const finished = document.getElementById("finished");
    root.hidden = true;
    finished.hidden = false;
    finished.querySelector("h2").focus();
  }

  function showNext() {
    previous = current;
    current = queue.shift() || null;
    if (!current) {
      fetchMore().then(() => {
        current = queue.shift() || null;
        if (current) {
          renderSubject(current);
          focusFirstInput();
        } else {
          showFinished();
        }
        fetchMore();
      });
      return;
    }
    submitButton.disabled = false;
    renderSubject(current);
    focusFirstInput();
    fetchMore();
  }

  function showGold(gold) {
    if (!gold) return;
    const message = gold.matched ? text.right : text.wrong + " " + gold.expected + ".";
    const paragraph = say(message + (gold.explanation ? " " + gold.explanation : ""), gold.matched ? "success" : "info");
    paragraph.classList.add("gold-feedback");
  }

  function refreshStats() {
    fetch(root.dataset.statsUrl, { headers: headers(false), credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((stats) => {
        if (!stats) return;
        const set = (name, value) => { document.querySelector("[data-stat='" + name + "']").textContent = value; };
        set("classifications", stats.classifications);
        set("agreement", stats.agreement === null ? "—" : Math.round(stats.agreement * 100) + "%");
        set("gold", stats.gold_seen ? stats.gold_matched + " / " + stats.gold_seen : "—");
        set("progress", stats.retired + " / " + stats.subjects + " (" + Math.round(stats.progress * 100) + "%)");
      });
  }

  function submit() {
    if (busy || !current) return;
    const answers = collectAnswers();
    const missing = missingTask(answers);
    if (missing) {
      say(text.missing + " " + missing.question, "error");
      const set = taskList.querySelector("fieldset[data-key='" + missing.key + "'] input, fieldset[data-key='" + missing.key + "'] textarea");
      if (set) set.focus();
      return;
    }
    busy = true;
    const subject = current;
    fetch(root.dataset.classifyUrl, {
      method: "POST", headers: headers(true), credentials: "same-origin",
      body: JSON.stringify({ subject_id: subject.id, answers: answers }),
    })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body: body })))
      .then((result) => {
        if (!result.ok) {
          say(result.body.detail || text.error, "error");
          return;
        }
        if (result.body.gold) showGold(result.body.gold);
        else say(result.body.counted ? text.saved : text.retired);
        undoButton.disabled = false;
        showNext();
        refreshStats();
      })
      .catch(() => say(text.error, "error"))
      .finally(() => { busy = false; });
  }

  function undo() {
    if (busy || undoButton.disabled) return;
    busy = true;
    fetch(root.dataset.undoUrl, { method: "DELETE", headers: headers(false), credentials: "same-origin" })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body: body })))
      .then((result) => {
        if (!result.ok) {
          say(result.body.detail || text.error, "error");
          return;
        }
        if (current) queue.unshift(current);
        if (previous && previous.id === result.body.subject_id) {
          current = previous;
          previous = null;
          renderSubject(current);
        } else {
          current = null;
          showNext();
        }
        submitButton.disabled = false;
        undoButton.disabled = true;
        say(text.undone);
        focusFirstInput();
        refreshStats();
      })
      .finally(() => { busy = false; });
  }

  function currentFieldset() {
    const inside = document.activeElement && document.activeElement.closest && document.activeElement.closest("fieldset.task");
    if (inside && inside.querySelector("input[type=radio], input[type=checkbox]")) {
      const follow = document.activeElement.closest("fieldset.follow-up");
      return follow || inside;
    }
    return taskList.querySelector("fieldset.task");
  }

  function pickNumber(number) {
    const set = currentFieldset();
    if (!set) return;
    const inputs = Array.from(set.querySelectorAll(":scope > .option input, :scope > div > .option input"))
      .filter((input) => !input.closest(".option").hidden && input.closest("fieldset") === set);
    const input = inputs[number - 1];
    if (!input) return;
    if (input.type === "checkbox") input.checked = !input.checked;
    else input.checked = true;
    input.focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  undoButton.addEventListener("click", undo);

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target.matches && target.matches("textarea, input[type=text], input[type=search]");
    if (event.defaultPrevented) return;
    if ((event.key === "z" || event.key === "Z") && (event.ctrlKey || event.metaKey || !typing)) {
      if (typing && !(event.ctrlKey || event.metaKey)) return;
      if (!root.contains(target) && target !== document.body) return;
      event.preventDefault();
      undo();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!root.contains(target) && target !== document.body) return;
    if (event.key === "/") {
      const filter = taskList.querySelector(".survey-filter");
      if (filter) {
        event.preventDefault();
        filter.focus();
      }
    } else if (/^[1-9]$/.test(event.key)) {
      event.preventDefault();
      pickNumber(Number(event.key));
    } else if (event.key === "Enter" && target.tagName !== "BUTTON" && target.tagName !== "A") {
      event.preventDefault();
      submit();
    }
  });

  fetchMore().then(showNext);
  refreshStats();
})();
