// Review page: rubric buttons, comment, keyboard shortcuts, saving with optimistic versions.
// Every change saves at once with the version this page last saw; a 409 means another page
// saved first: show its score and a notice instead of overwriting it. A score of 0 (the "No
// credit" button, key 0, or every item unticked) is saved only with a comment for the student.
// The page names the answer by its opaque key (never the submission id when grading blind).
(function () {
  "use strict";
  const state = JSON.parse(document.getElementById("state").textContent);
  const score = state.score;
  const selected = new Set(score.items);
  const buttons = Array.from(document.querySelectorAll("button.item"));
  const comment = document.getElementById("comment");
  const notice = document.getElementById("notice");
  const saved = document.getElementById("saved");
  const zero = document.getElementById("zero");
  const blindToggle = document.getElementById("blind-toggle");
  let pending = Promise.resolve();

  function renderMath() {
    if (typeof katex === "undefined") return;
    document.querySelectorAll(".math").forEach(function (el) {
      try {
        katex.render(el.textContent, el, {
          displayMode: el.classList.contains("block"),
          throwOnError: false,
          trust: false,
        });
      } catch (err) {
        el.classList.add("math-error");
      }
    });
  }

  function pointsOf(ids) {
    return state.items
      .filter(function (i) { return ids.has(i.id); })
      .reduce(function (sum, i) { return sum + i.points; }, 0);
  }

  function show() {
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", selected.has(b.dataset.item) ? "true" : "false");
    });
    document.getElementById("points").textContent = String(Math.round(pointsOf(selected) * 1e6) / 1e6);
    const storedZero = score.version > 0 && score.items.length === 0;
    zero.setAttribute("aria-pressed", storedZero && selected.size === 0 ? "true" : "false");
    saved.textContent = score.version > 0
      ? "saved" + (storedZero ? ": no credit" : "") + " (v" + score.version +
        (score.grader ? ", " + score.grader : "") + ")"
      : "not graded yet";
  }

  function showProgress(progress) {
    document.getElementById("progress").textContent = progress.text;
    document.getElementById("question-progress").textContent = progress.question_text;
  }

  // "Answer changed since graded": the notice goes once a save stamps the answer shown.
  const answerChanged = document.getElementById("answer-changed");
  function showAnswerChanged(changed) {
    if (answerChanged) answerChanged.classList.toggle("hidden", !changed);
  }
  const keepScore = document.getElementById("keep-score");
  if (keepScore) keepScore.addEventListener("click", function () { save(); });

  function say(message, isError) {
    notice.textContent = message;
    notice.classList.remove("hidden");
    notice.classList.toggle("error", Boolean(isError));
  }

  function clearNotice() {
    notice.textContent = "";
    notice.classList.add("hidden");
    notice.classList.remove("error", "conflict");
  }

  function adopt(stored) {
    score.version = stored.version;
    score.grader = stored.grader;
    score.items = stored.items.slice();
    selected.clear();
    stored.items.forEach(function (i) { selected.add(i); });
    comment.value = stored.comment;
    show();
  }

  function save() {
    if (pointsOf(selected) === 0 && comment.value.trim() === "") {
      say("A zero needs a comment: tell the student what is missing (c), then Ctrl+Enter " +
          "saves the zero. Or tick an item instead.", false);
      saved.textContent = "not saved: a zero needs a comment";
      comment.focus();
      return pending;
    }
    const body = {
      assignment: state.assignment,
      question: state.question,
      answer_key: state.answer_key,
      items: Array.from(selected),
      comment: comment.value,
      expected_version: score.version,
      answer_sha256: state.answer_sha256,
    };
    pending = pending.then(function () {
      return fetch(state.urls.save, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Review-Token": state.token },
        body: JSON.stringify(body),
      }).then(function (response) {
        return response.json().then(function (data) {
          if (response.status === 409) {
            adopt(data.score);
            showProgress(data.progress);
            say(data.message, false);
            notice.classList.add("conflict");
          } else if (!response.ok) {
            say("Not saved: " + (data.error || response.status), true);
          } else {
            adopt(data.score);
            showProgress(data.progress);
            showAnswerChanged(data.answer_changed);
            clearNotice();  // a successful save ends any earlier conflict or error
          }
        });
      }).catch(function (err) {
        say("Not saved: the review server did not answer (" + err + ").", true);
      });
    });
    return pending;
  }

  function toggle(id) {
    if (selected.has(id)) selected.delete(id); else selected.add(id);
    show();
    return save();
  }

  function noCredit() {
    selected.clear();
    show();
    return save();
  }

  function toggleBlind() {
    pending.then(function () {
      return fetch(state.urls.blind, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Review-Token": state.token },
        body: JSON.stringify({
          blind: !state.blind,
          assignment: state.assignment,
          question: state.question,
          answer_key: state.answer_key,
        }),
      }).then(function (response) { return response.json(); })
        .then(function (data) { window.location.assign(data.url); })
        .catch(function (err) { say("The review server did not answer (" + err + ").", true); });
    });
  }

  function go(url) {
    if (!url) return;
    pending.then(function () { window.location.assign(url); });
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () { toggle(b.dataset.item); });
  });
  zero.addEventListener("click", noCredit);
  blindToggle.addEventListener("click", toggleBlind);
  comment.addEventListener("change", save);

  document.addEventListener("keydown", function (event) {
    if (event.target === comment) {
      if (event.key === "Escape") comment.blur();  // blur fires change, which saves
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        comment.blur();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "0") {
      event.preventDefault();  // the comment box gets focus; keep the 0 out of it
      noCredit();
    } else if (/^[1-9]$/.test(event.key)) {
      const button = buttons[Number(event.key) - 1];
      if (button) toggle(button.dataset.item);
    } else if (event.key === "j" || event.key === "ArrowRight") {
      go(state.urls.next);
    } else if (event.key === "k" || event.key === "ArrowLeft") {
      go(state.urls.prev);
    } else if (event.key === "u") {
      go(state.urls.ungraded);
    } else if (event.key === "c") {
      event.preventDefault();
      comment.focus();
    }
  });

  comment.value = score.comment;
  show();
  renderMath();
  document.body.dataset.ready = "1";
})();
