// Front end of the assessor's marking app. Native controls only: a table of submissions with
// a button per action, a fieldset and legend per criterion with labelled radios and text boxes,
// one status region that announces every save. The kernel decides everything; this file shows
// its state (model "view") and sends the assessor's actions.

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const hidden = (text) => h("span", { class: "mk-visually-hidden", text });
const slug = (s) => String(s).replace(/[^A-Za-z0-9_-]/g, "_");
const button = (text, attrs = {}, ...extra) =>
  h("button", { type: "button", class: "mk-button", ...attrs }, text, ...extra);

function errorSummary(errors) {
  // GOV.UK error summary: "There is a problem", focused, each error links to its field.
  return h("div", { class: "mk-error-summary", role: "alert", tabindex: "-1", id: "mk-errors" },
    h("h2", { class: "mk-error-summary__title", text: "There is a problem" }),
    h("ul", {}, errors.map(([target, msg]) => h("li", {}, target
      ? h("a", { href: `#${target}`, text: msg,
                 onclick: (ev) => { ev.preventDefault(); document.getElementById(target)?.focus(); } })
      : msg))));
}

function render({ model, el }) {
  const drafts = new Map();   // what the assessor has typed or chosen but not yet saved
  const live = h("div", { class: "mk-visually-hidden", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const body = h("div");
  el.append(h("div", { class: "mk" }, live, body));
  let localErrors = [];

  const send = (content) => model.send(content);
  const draft = (key, fallback) => {
    if (!drafts.has(key)) drafts.set(key, { ...(fallback || {}) });
    return drafts.get(key);
  };

  function listView(view) {
    const form = h("div", { class: "mk-row" },
      h("label", { for: "mk-assignment", class: "mk-label", text: "Assignment" }),
      h("select", { id: "mk-assignment", class: "mk-select" },
        view.assignments.map((a) => h("option", { value: a.id, selected: a.id === view.assignment, text: a.label }))),
      button("Show submissions", { id: "mk-show", onclick: () => send({ action: "assignment", id: el.querySelector("#mk-assignment").value }) }));
    const rows = (view.rows || []).map((r) => h("tr", {},
      h("th", { scope: "row", text: r.learner }),
      h("td", { text: r.marker }), h("td", { text: r.progress }), h("td", { text: r.marks }),
      h("td", { text: r.result }),
      h("td", {}, r.notes.length ? h("ul", { class: "mk-notes" }, r.notes.map((n) => h("li", { text: n }))) : "None"),
      h("td", {}, r.actions.map((a) => button(a.label, {
        id: `mk-${a.mode}-${slug(r.learner)}`, class: a.mode === "second" ? "mk-button mk-button--secondary" : "mk-button",
        onclick: () => { drafts.clear(); send({ action: "open", learner: r.learner, mode: a.mode }); },
      }, hidden(` ${r.learner}`))))));
    return [
      h("h2", { id: "mk-list-heading", tabindex: "-1", text: "Submissions" }),
      form,
      view.rule ? h("p", { text: `Pass rule for this unit: ${view.rule}.` }) : null,
      rows.length
        ? h("table", { class: "mk-table" },
            h("caption", { class: "mk-table__caption", text: "Submissions to mark, with their progress and checks" }),
            h("thead", {}, h("tr", {}, ["Learner", "Marked by", "Progress", "Marks", "Result", "Checks", "Action"]
              .map((x) => h("th", { scope: "col", text: x })))),
            h("tbody", {}, rows))
        : h("p", { text: "No autograded submissions yet. Run nbgrader autograde first." }),
    ];
  }

  function decisionText(who, d) {
    if (!d) return `${who}: not marked.`;
    return `${who} (${d.marker}): ${d.met ? "met" : "not yet met"}.` + (d.comment ? ` Comment: ${d.comment}` : "");
  }

  function radios(name, prefix, current, onchange) {
    return h("div", { class: "mk-radios" }, [["met", true, "Met"], ["not-yet", false, "Not yet met"]].map(([v, met, text]) =>
      h("div", { class: "mk-option" },
        h("input", { type: "radio", class: "mk-radio", id: `${prefix}-${v}`, name, value: v,
                     checked: current === met, onchange: () => onchange(met) }),
        h("label", { for: `${prefix}-${v}`, class: "mk-option__label", text }))));
  }

  function commentBox(id, label, value, oninput, hint) {
    return [h("label", { for: id, class: "mk-label", text: label }),
      hint ? h("div", { class: "mk-hint", id: `${id}-hint`, text: hint }) : null,
      h("textarea", { id, class: "mk-textarea", rows: 3, "aria-describedby": hint ? `${id}-hint` : null,
                      oninput: (ev) => oninput(ev.target.value) }, value || "")];
  }

  function criterionView(view, task, c) {
    const key = `${task.id}/${c.id}`;
    const prefix = `mk-${slug(task.id)}-${slug(c.id)}`;
    const d = draft(key, c.saved ? { met: c.saved.met, comment: c.saved.comment } : {});
    const area = commentBox(`${prefix}-comment`, `Comment for the learner on criterion ${c.number}`, d.comment,
      (v) => { d.comment = v; });
    const bank = task.bank.length ? [
      h("label", { for: `${prefix}-bank`, class: "mk-label", text: `Use a saved comment for criterion ${c.number}` }),
      h("select", { id: `${prefix}-bank`, class: "mk-select", onchange: (ev) => {
          if (!ev.target.value) return;
          const box = el.querySelector(`#${prefix}-comment`);
          box.value = box.value.trim() ? `${box.value.trim()} ${ev.target.value}` : ev.target.value;
          d.comment = box.value;
          live.textContent = "Saved comment added to the comment box.";
        } },
        h("option", { value: "", text: "Choose a saved comment" }),
        task.bank.map((text) => h("option", { value: text, text })))] : null;
    const save = () => {
      if (d.met !== true && d.met !== false) {
        localErrors = [[`${prefix}-met`, `Choose met or not yet met for task ${task.number}, criterion ${c.number}`]];
        draw(model.get("view"));
        return;
      }
      send({ action: "mark", task: task.id, criterion: c.id, met: d.met, comment: d.comment || "" });
    };
    const saved = c.saved
      ? `Saved: ${c.saved.met ? "met" : "not yet met"}, by ${c.saved.marker} at ${c.saved.at}.`
      : "Not marked yet.";
    // The qualification's numbering: "AC 2.3" in the legend, its learning outcome under it.
    const ac = c.ac ? `, ${c.ac}` : "";
    return h("fieldset", { class: "mk-criterion", id: `${prefix}`,
                           "aria-describedby": c.outcome ? `${prefix}-lo ${prefix}-meets` : `${prefix}-meets` },
      h("legend", { class: "mk-legend" }, `Criterion ${c.number} (${c.marks} mark${c.marks === 1 ? "" : "s"}${ac}): ${c.text}`),
      c.outcome ? h("p", { class: "mk-hint mk-outcome", id: `${prefix}-lo`, text: c.outcome }) : null,
      h("p", { class: "mk-hint", id: `${prefix}-meets` }, h("strong", { text: "What meets it: " }), c.meets),
      radios(prefix, prefix, d.met, (met) => { d.met = met; }),
      area, bank,
      h("div", { class: "mk-actions" },
        button(`Save criterion ${c.number}`, { id: `${prefix}-save`, onclick: save }, hidden(` of task ${task.number}`)),
        button("Save comment for reuse", { id: `${prefix}-keep`, class: "mk-button mk-button--secondary",
          onclick: () => { const text = el.querySelector(`#${prefix}-comment`).value;
            if (!text.trim()) { localErrors = [[`${prefix}-comment`, `Write a comment for criterion ${c.number} before saving it for reuse`]]; draw(model.get("view")); return; }
            send({ action: "bank", task: task.id, text }); } },
          hidden(` (task ${task.number}, criterion ${c.number})`))),
      h("p", { class: "mk-saved", text: saved }),
      c.final ? h("p", { class: "mk-final", text: `After second marking the final decision is: ${c.final.met ? "met" : "not yet met"}.` }) : null);
  }

  function disagreementView(task, x) {
    const key = `r:${task.id}/${x.criterion}`;
    const prefix = `mk-r-${slug(task.id)}-${slug(x.criterion)}`;
    const parts = [
      h("h5", { class: "mk-subheading", text: `Disagreement on criterion ${x.number}${x.ac ? ` (${x.ac})` : ""}: ${x.text}` }),
      h("p", { text: decisionText("Assessor", x.first) }),
      h("p", { text: decisionText("Second marker", x.second) }),
    ];
    if (x.resolution) {
      parts.push(h("p", { class: "mk-final", text: `Resolved by ${x.resolution.marker}: ${x.resolution.met ? "met" : "not yet met"}. This is the final mark.` }));
      return h("div", { class: "mk-disagreement" }, parts);
    }
    const d = draft(key, { comment: x.first.comment });
    parts.push(h("fieldset", { class: "mk-criterion", id: prefix },
      h("legend", { class: "mk-legend", text: `Final decision on criterion ${x.number}` }),
      radios(prefix, prefix, d.met, (met) => { d.met = met; }),
      commentBox(`${prefix}-comment`, "Comment for the learner", d.comment, (v) => { d.comment = v; }),
      commentBox(`${prefix}-note`, "Internal note: why this decision", d.note, (v) => { d.note = v; },
        "Kept in the audit trail. Never shown to the learner."),
      h("div", { class: "mk-actions" }, button("Record the final decision", { id: `${prefix}-save`, onclick: () => {
        const errs = [];
        if (d.met !== true && d.met !== false) errs.push([`${prefix}-met`, `Choose met or not yet met for the final decision on criterion ${x.number}`]);
        if (!(d.note || "").trim()) errs.push([`${prefix}-note`, "Write an internal note saying why"]);
        if (errs.length) { localErrors = errs; draw(model.get("view")); return; }
        send({ action: "resolve", task: task.id, criterion: x.criterion, met: d.met, comment: d.comment || "", note: d.note });
      } }, hidden(` on criterion ${x.number} of task ${task.number}`)))));
    return h("div", { class: "mk-disagreement" }, parts);
  }

  function taskView(view, task) {
    const a = task.answer;
    const headingId = `mk-task-${slug(task.id)}`;
    const answer = a.problem
      ? h("p", { class: "mk-warning" }, h("strong", { text: "Answer not shown: " }), a.problem)
      : a.text
        ? [h("p", { class: "mk-hint", text: `${a.words} words (${task.guidance} asked for). Last saved ${a.saved} (UTC).` }),
           h("div", { class: "mk-answer", text: a.text })]
        : h("p", { class: "mk-hint", text: "No answer was saved for this task." });
    const similar = task.similar.length ? h("div", { class: "mk-similar" },
      h("h4", { class: "mk-subheading", text: "Similar to another learner's answer" }),
      h("p", { text: "Check this before you mark. It is a flag for you to judge, not a penalty." }),
      h("ul", {}, task.similar.map((s) => h("li", {},
        h("p", { text: `${s.other}: ${s.percent}% of word sequences shared.` }),
        s.passages.length ? [h("p", { text: "Matching passages:" }),
          h("ul", {}, s.passages.map((p) => h("li", {}, h("q", { text: p }))))] : null)))) : null;
    return h("section", { class: "mk-task", "aria-labelledby": headingId },
      h("h3", { id: headingId, text: `Task ${task.number} of ${task.of}: ${task.title}` }),
      h("details", { class: "mk-details" }, h("summary", { text: "Task brief" }), h("p", { text: task.brief })),
      h("h4", { class: "mk-subheading", text: "The learner's answer" }),
      answer, similar,
      h("h4", { class: "mk-subheading", text: "Criteria" }),
      h("p", { class: "mk-total", text: `Task ${task.number}: ${task.total}.` }),
      task.criteria.map((c) => criterionView(view, task, c)),
      task.disagreements.length ? [h("h4", { class: "mk-subheading", text: "Disagreements to resolve" }),
        task.disagreements.map((x) => disagreementView(task, x))] : null);
  }

  function openView(view) {
    const o = view.open;
    return [
      button("Back to all submissions", { id: "mk-back", class: "mk-button mk-button--secondary",
        onclick: () => { drafts.clear(); send({ action: "back" }); } }),
      h("h2", { id: "mk-heading", tabindex: "-1", text: o.heading }),
      h("p", { class: "mk-summary", id: "mk-summary", text: o.summary }),
      o.unanswered ? button(`Mark the ${o.unanswered} unanswered task${o.unanswered === 1 ? "" : "s"} not yet met`,
        { id: "mk-unanswered", class: "mk-button mk-button--secondary",
          onclick: () => send({ action: "unanswered" }) }) : null,
      o.mode === "second" ? h("p", { class: "mk-inset", text: o.blind
        ? "You are second marking. The assessor's marks are hidden until you have marked every criterion."
        : "You have marked every criterion. Where you and the assessor disagree, record the final decision below." }) : null,
      o.tasks.map((task) => taskView(view, task)),
    ];
  }

  function draw(view, focus = null) {
    el.firstChild.setAttribute("aria-busy", view.loading ? "true" : "false");
    if (view.loading) {   // the kernel is still reading the gradebook
      body.replaceChildren(h("h1", { class: "mk-title", text: "Mark written assignments" }),
        h("p", { class: "mk-hint", text: "Loading the submissions…" }));
      return;
    }
    const focused = document.activeElement && el.contains(document.activeElement) ? document.activeElement.id : null;
    const errors = localErrors.length ? localErrors : (view.error ? [[null, view.error]] : []);
    body.replaceChildren(...[
      h("h1", { class: "mk-title", text: "Mark written assignments" }),
      h("p", { class: "mk-hint", text: `Signed in as ${view.assessor}.` }),
      errors.length ? errorSummary(errors) : null,
      view.open ? openView(view) : listView(view)].flat(Infinity).filter(Boolean));
    const target = errors.length ? "mk-errors" : (focus || focused);
    localErrors = [];
    const next = target && el.querySelector(`#${CSS.escape(target)}`);
    if (next) next.focus();
  }

  // Each refresh from the kernel carries a new seq, its announcement, and where focus goes.
  const update = () => {
    const view = model.get("view") || {};
    if (view.saved) drafts.delete(view.saved);
    draw(view, view.focus);
    if (view.announce) {
      live.textContent = "";
      setTimeout(() => { live.textContent = view.announce; }, 50);
    }
  };
  model.on("change:view", update);
  update();
}

export default { render };
