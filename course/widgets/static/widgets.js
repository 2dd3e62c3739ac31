// Front end for every course widget: native HTML controls (fieldset/legend, radios,
// checkboxes, labelled inputs) so keyboard use and screen readers work without ARIA
// patching. The kernel decides correctness; this file never sees an answer key.

// anywidget loads this module once per widget, so a module-level counter would repeat across
// widgets (and merge their radio groups): ids must be unique across the whole page.
const uid = (p) => `odp-${p}-${Math.random().toString(36).slice(2, 10)}`;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c) el.append(c);
  return el;
}

// GOV.UK error summary: titled "There is a problem", takes focus, links to each field.
function errorSummary(errors) {
  const box = h("div", { class: "odp-error-summary", role: "alert", tabindex: "-1" },
    h("h2", { class: "odp-error-summary__title", text: "There is a problem" }),
    h("ul", {}, errors.map(([href, msg]) => h("li", {}, h("a", { href: `#${href}`, text: msg,
      onclick: (ev) => { ev.preventDefault(); document.getElementById(href)?.focus(); } })))));
  return box;
}

function showErrors(slot, errors) {
  slot.replaceChildren();
  if (!errors.length) return;
  const box = errorSummary(errors);
  slot.append(box);
  box.focus();
}

// Focus follows the learner's action, so it never drops to <body> when the kernel redraws:
// `target` is focused once it is in the page (a new view may not be attached yet).
function focusWhenReady(target, tries = 60) {
  if (!target) return;
  if (target.isConnected) { target.focus({ preventScroll: false }); return; }
  if (tries > 0) requestAnimationFrame(() => focusWhenReady(target, tries - 1));
}

// The contents list's in-page links: move focus to the target as well as scrolling to it,
// so the next Tab continues from there. Installed once per page, whichever widget loads first.
function installContentsLinks() {
  if (document.documentElement.dataset.odpContents) return;
  document.documentElement.dataset.odpContents = "1";
  document.addEventListener("click", (ev) => {
    const link = ev.target.closest ? ev.target.closest('a[href^="#odp-"]') : null;
    if (!link) return;
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    ev.preventDefault();
    if (!target.matches("a, button, input, textarea, select, [tabindex]")) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }, true);
}

function feedbackView(slot, fb, moveFocus = false) {
  slot.replaceChildren();
  if (!fb || !fb.status) return;
  const icon = { correct: "\u2714", incorrect: "\u2716", info: "\u2139", saved: "\u2714" }[fb.status] || "";
  const box = h("div", { class: `odp-feedback odp-feedback--${fb.status}`, tabindex: "-1" },
    h("p", { class: "odp-feedback__title" },
      h("span", { "aria-hidden": "true", text: icon + " " }), fb.title || ""),
    fb.message ? h("p", { text: fb.message }) : null);
  slot.append(box);
  if (moveFocus) focusWhenReady(box);
}

function liveRegion() {
  return h("div", { class: "odp-live", role: "status", "aria-live": "polite", "aria-atomic": "true" });
}

function actions(...buttons) {
  return h("div", { class: "odp-actions" }, buttons);
}

function button(text, attrs = {}) {
  return h("button", { type: "button", class: "odp-button", ...attrs, text });
}

function caption(model) {
  const n = model.get("number");
  return n ? h("span", { class: "odp-caption", text: n }) : null;
}

// The learner pressed "Start the test": the start button goes, and the paper's first question
// takes focus when it renders (another widget, so the flag lives on the page).
const PAPER_FLAG = "odpFocusPaper";
function firstOfPaper(model) {
  return model.get("mode") === "summative" && /^Question 1 of /.test(model.get("number") || "");
}
function takePaperFocus(model, target, live) {
  if (!firstOfPaper(model) || !document.documentElement.dataset[PAPER_FLAG]) return;
  delete document.documentElement.dataset[PAPER_FLAG];
  focusWhenReady(target);
  setTimeout(() => { live.textContent = `The test has started. ${model.get("number")}.`; }, 300);
}

// Feedback arrives from the kernel after a check or a hint: focus moves to it then, not when
// the page first draws restored feedback.
function feedbackFollowsAction(model, live) {
  const state = { asked: false };
  model.on("change:feedback", () => { feedbackView(live, model.get("feedback"), state.asked); state.asked = false; });
  feedbackView(live, model.get("feedback"));
  return (msg) => { state.asked = true; model.send(msg); };
}

// ---------------------------------------------------------------------------------- choice
function renderChoice(model, el) {
  const multiple = model.get("kind") === "multiple";
  const itemId = model.get("item_id");
  const name = uid("choice");
  const hintId = uid("hint");
  const errorSlot = h("div");
  const live = liveRegion();
  const inputs = [];
  const legend = h("legend", { class: "odp-legend", tabindex: "-1" }, caption(model), h("span", { text: model.get("label") }));
  const group = h("div", { class: multiple ? "odp-checkboxes" : "odp-radios" });
  model.get("options").forEach((opt, i) => {
    const id = `${name}-${i}`;
    const input = h("input", { class: "odp-input", type: multiple ? "checkbox" : "radio", id, name, value: opt.id });
    inputs.push(input);
    group.append(h("div", { class: "odp-option" }, input, h("label", { for: id, class: "odp-label", text: opt.text })));
  });
  const fieldset = h("fieldset", { class: "odp-fieldset", "aria-describedby": hintId },
    legend,
    h("div", { class: "odp-hint", id: hintId, text: multiple ? "Select all that apply." : "Select one answer." }),
    group);
  const chosen = () => inputs.filter((x) => x.checked).map((x) => x.value);
  const restore = () => {
    const r = model.get("response") || [];
    inputs.forEach((x) => { x.checked = r.includes(x.value); });
  };
  restore();
  model.on("change:response", restore);
  inputs.forEach((x) => x.addEventListener("change", () => {
    model.set("response", chosen());
    model.save_changes();
  }));
  const ask = feedbackFollowsAction(model, live);
  const buttons = [];
  if (model.get("mode") === "formative") {
    buttons.push(button("Check answer", { onclick: () => {
      const r = chosen();
      if (!r.length) {
        showErrors(errorSlot, [[inputs[0].id, multiple ? "Select at least one answer" : "Select an answer"]]);
        return;
      }
      showErrors(errorSlot, []);
      ask({ action: "check", response: r });
    } }));
    if (model.get("has_hint")) {
      buttons.push(button("Show a hint", { class: "odp-button odp-button--secondary",
        onclick: () => ask({ action: "hint" }) }));
    }
  }
  el.append(h("div", { class: "odp-question", id: `odp-q-${itemId}` }, errorSlot, fieldset, actions(...buttons), live));
  takePaperFocus(model, legend, live);
}

// ---------------------------------------------------------------------------- short answer
function renderShort(model, el) {
  const id = uid("answer");
  const hintId = uid("hint");
  const errorSlot = h("div");
  const live = liveRegion();
  const numeric = model.get("kind") === "numeric";
  const input = h("input", { class: "odp-text-input", id, type: "text", "aria-describedby": hintId,
    inputmode: numeric ? "decimal" : null, autocomplete: "off", spellcheck: numeric ? "false" : null });
  input.value = model.get("response") ?? "";
  model.on("change:response", () => { input.value = model.get("response") ?? ""; });
  input.addEventListener("change", () => { model.set("response", input.value); model.save_changes(); });
  const ask = feedbackFollowsAction(model, live);
  const buttons = [];
  if (model.get("mode") === "formative") {
    buttons.push(button("Check answer", { onclick: () => {
      if (!input.value.trim()) { showErrors(errorSlot, [[id, "Enter an answer"]]); return; }
      showErrors(errorSlot, []);
      model.set("response", input.value); model.save_changes();
      ask({ action: "check", response: input.value });
    } }));
    if (model.get("has_hint")) buttons.push(button("Show a hint", { class: "odp-button odp-button--secondary", onclick: () => ask({ action: "hint" }) }));
  }
  el.append(h("div", { class: "odp-question", id: `odp-q-${model.get("item_id")}` }, errorSlot,
    h("div", { class: "odp-form-group" },
      h("label", { for: id, class: "odp-label odp-label--heading" }, caption(model), h("span", { text: model.get("label") })),
      h("div", { class: "odp-hint", id: hintId, text: numeric ? "Enter a number." : "Enter your answer." }),
      input),
    actions(...buttons), live));
  takePaperFocus(model, input, live);
}

// ----------------------------------------------------------------- written answer / reflection
const words = (t) => (t.trim().match(/\S+/g) || []).length;

function renderWritten(model, el) {
  const id = uid("written");
  const hintId = uid("hint");
  const countId = uid("count");
  const cfg = model.get("config") || {};
  const area = h("textarea", { class: "odp-textarea", id, rows: cfg.rows || 10, "aria-describedby": `${hintId} ${countId}` });
  area.value = model.get("response") ?? "";
  const visibleCount = h("div", { class: "odp-count", id: countId, "aria-hidden": "true" });
  const live = h("div", { class: "odp-visually-hidden", role: "status", "aria-live": "polite" });
  const saved = h("div", { class: "odp-saved" });
  const countText = () => {
    const n = words(area.value);
    if (cfg.max_words && n > cfg.max_words) return `You have ${n - cfg.max_words} words too many (${n} of ${cfg.max_words})`;
    if (cfg.min_words && n < cfg.min_words) return `You have ${n} words. Write at least ${cfg.min_words}.`;
    return cfg.max_words ? `You have ${n} words of ${cfg.max_words}` : `You have ${n} words`;
  };
  let liveTimer, saveTimer;
  const update = () => {
    const text = countText();
    visibleCount.textContent = text;
    visibleCount.classList.toggle("odp-count--over", !!cfg.max_words && words(area.value) > cfg.max_words);
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => { live.textContent = text; }, 1000); // announce after a pause, not per key
  };
  const save = () => {
    clearTimeout(saveTimer);
    if ((model.get("response") ?? "") === area.value) return;
    model.set("response", area.value);
    model.save_changes();
  };
  area.addEventListener("input", () => { update(); clearTimeout(saveTimer); saveTimer = setTimeout(save, 1500); });
  area.addEventListener("blur", save);
  model.on("change:response", () => { if (document.activeElement !== area) { area.value = model.get("response") ?? ""; update(); } });
  model.on("change:status", () => { saved.textContent = model.get("status"); });
  saved.textContent = model.get("status");
  update();
  const hint = cfg.max_words ? `Write between ${cfg.min_words || 0} and ${cfg.max_words} words. Your answer is saved as you type.`
    : "Your answer is saved as you type.";
  el.append(h("div", { class: "odp-question odp-form-group", id: `odp-q-${model.get("item_id")}` },
    h("label", { for: id, class: "odp-label odp-label--heading" }, caption(model), h("span", { text: model.get("label") })),
    cfg.brief ? h("div", { class: "odp-brief", text: cfg.brief }) : null,
    h("div", { class: "odp-hint", id: hintId, text: hint }),
    area, visibleCount, live, saved));
}

// ------------------------------------------------------------------------------- checklist
function renderChecklist(model, el) {
  const name = uid("check");
  const live = liveRegion();
  const inputs = (model.get("config").items || []).map((text, i) => {
    const input = h("input", { class: "odp-input", type: "checkbox", id: `${name}-${i}`, name, value: String(i) });
    return [input, h("div", { class: "odp-option" }, input, h("label", { for: `${name}-${i}`, class: "odp-label", text }))];
  });
  const restore = () => { const r = model.get("response") || []; inputs.forEach(([x]) => { x.checked = r.includes(Number(x.value)); }); };
  restore();
  model.on("change:response", restore);
  inputs.forEach(([x]) => x.addEventListener("change", () => {
    model.set("response", inputs.filter(([y]) => y.checked).map(([y]) => Number(y.value)));
    model.save_changes();
  }));
  model.on("change:status", () => { live.textContent = model.get("status"); });
  el.append(h("div", { class: "odp-question", id: `odp-q-${model.get("item_id")}` },
    h("fieldset", { class: "odp-fieldset" },
      h("legend", { class: "odp-legend" }, h("span", { text: model.get("label") })),
      h("div", { class: "odp-hint", text: model.get("config").prompt || "Tick each one you have done." }),
      h("div", { class: "odp-checkboxes" }, inputs.map(([, row]) => row))),
    live));
}

// --------------------------------------------------------------------------------- CPD log
// Day/month/year as UK users write it (or ISO); returns YYYY-MM-DD, or null if not a real date.
function parseDate(text) {
  const t = text.trim();
  let m = t.match(/^(\d{1,2})[\/\-. ](\d{1,2})[\/\-. ](\d{4})$/);
  let [y, mo, d] = m ? [+m[3], +m[2], +m[1]] : [0, 0, 0];
  if (!m) { m = t.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/); if (!m) return null; [y, mo, d] = [+m[1], +m[2], +m[3]]; }
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return dt.toISOString().slice(0, 10);
}

const ukDateInput = (iso) => (/^\d{4}-\d{2}-\d{2}$/.test(iso || "") ? iso.split("-").reverse().join("/") : iso || "");
const CPD_PARTS = [["plan", "Plan"], ["do", "Do"], ["review", "Review"]];

// Entries are added and edited through the kernel ("add" and "edit"), which keeps every
// version in the record; the form is cleared only when the kernel confirms the save.
function renderCpd(model, el) {
  const errorSlot = h("div");
  const live = liveRegion();
  const state = { request: 0, editing: null };
  const send = (msg) => { state.request += 1; model.send({ ...msg, request: state.request }); };
  const fields = {};
  const field = (key, label, hint, tag = "textarea") => {
    const id = uid(key);
    const hid = uid("hint");
    // A text box with a clear hint, not <input type=date>: the GOV.UK Design System advises
    // against browser date pickers, which vary and are hard to use with assistive technology.
    fields[key] = tag === "textarea" ? h("textarea", { class: "odp-textarea", id, rows: 3, "aria-describedby": hid })
      : h("input", { class: "odp-text-input odp-text-input--date", id, type: "text", inputmode: "numeric",
        autocomplete: "off", "aria-describedby": hid });
    return h("div", { class: "odp-form-group" }, h("label", { for: id, class: "odp-label", text: label }),
      h("div", { class: "odp-hint", id: hid, text: hint }), fields[key]);
  };
  const itemId = model.get("item_id");
  const headingId = (entryId) => `odp-cpd-${itemId}-${entryId}`;
  const shown = (entryId) => ((model.get("view") || {}).entries || {})[entryId] || {};
  const versionList = (v) => h("dl", { class: "odp-summary-list" },
    CPD_PARTS.map(([k, label]) => [h("dt", { text: label }), h("dd", { text: v[k] || "Not written yet" })]));
  const list = h("ol", { class: "odp-cpd-list" });
  const legend = h("legend", { class: "odp-legend", tabindex: "-1", text: "Add a plan\u2013do\u2013review entry" });
  const save = button("Add entry");
  const cancel = button("Cancel", { class: "odp-button odp-button--secondary", hidden: true });
  const clearForm = () => {
    Object.values(fields).forEach((f) => { f.value = ""; });
    state.editing = null;
    legend.textContent = "Add a plan\u2013do\u2013review entry";
    save.textContent = "Add entry";
    cancel.hidden = true;
  };
  const startEdit = (entry) => {
    const v = shown(entry.id).current || entry;
    state.editing = entry.id;
    fields.date.value = ukDateInput(entry.date);
    for (const [k] of CPD_PARTS) fields[k].value = entry[k] || "";
    legend.textContent = `Edit your entry of ${v.date_text || entry.date}`;
    save.textContent = "Save changes";
    cancel.hidden = false;
    showErrors(errorSlot, []);
    focusWhenReady(legend);
    live.textContent = `Editing your entry of ${v.date_text || entry.date}. Your earlier version will be kept.`;
  };
  const drawList = () => {
    const entries = model.get("response") || [];
    if (!entries.length) { list.replaceChildren(h("li", { class: "odp-entry--none", text: "You have no entries yet." })); return; }
    list.replaceChildren(...entries.map((e) => {
      const s = shown(e.id);
      const cur = s.current || {};
      const earlier = s.earlier || [];
      const dateText = cur.date_text || e.date;
      return h("li", { class: "odp-cpd-entry" },
        h("h4", { id: headingId(e.id), tabindex: "-1", text: `Entry of ${dateText}` }),
        versionList(e),
        h("p", { class: "odp-hint", text: cur.saved_text ? `Version ${e.version || 1}, saved ${cur.saved_text}` : "" }),
        actions(h("button", { type: "button", class: "odp-button odp-button--secondary", onclick: () => startEdit(e) },
          "Edit this entry", h("span", { class: "odp-visually-hidden", text: ` of ${dateText}` }))),
        earlier.length ? h("details", { class: "odp-cpd-earlier" },
          h("summary", { text: `Earlier versions of this entry (${earlier.length})` }),
          h("ol", { reversed: true }, earlier.map((v) => h("li", {},
            h("p", { class: "odp-hint", text: `Version ${v.version}, saved ${v.saved_text}. Dated ${v.date_text}.` }),
            versionList(v))))) : null);
    }));
  };
  drawList();
  model.on("change:response", drawList);
  model.on("change:view", () => {
    drawList();
    const v = model.get("view") || {};
    if (v.request !== state.request) return; // not the answer to this form's last save
    if (v.errors && v.errors.length) {
      showErrors(errorSlot, v.errors.map(([f, msg]) => [(fields[f] || fields.plan).id, msg]));
      return;
    }
    showErrors(errorSlot, []);
    clearForm();
    focusWhenReady(document.getElementById(headingId(v.done)));
    live.textContent = v.announce || "";
  });
  model.on("change:status", () => { if (!live.textContent) live.textContent = model.get("status"); });
  save.addEventListener("click", () => {
    const errs = [];
    const date = parseDate(fields.date.value);
    if (!fields.date.value.trim()) errs.push([fields.date.id, "Enter the date of this entry"]);
    else if (!date) errs.push([fields.date.id, "Enter a real date, for example 23/11/2026"]);
    if (!fields.plan.value.trim()) errs.push([fields.plan.id, "Enter what you plan to learn"]);
    showErrors(errorSlot, errs);
    if (errs.length) return;
    live.textContent = "";
    const entry = { date, plan: fields.plan.value.trim(), do: fields.do.value.trim(), review: fields.review.value.trim() };
    send(state.editing ? { action: "edit", id: state.editing, ...entry } : { action: "add", ...entry });
  });
  cancel.addEventListener("click", () => {
    const editing = state.editing;
    clearForm();
    showErrors(errorSlot, []);
    focusWhenReady(document.getElementById(headingId(editing)) || legend);
  });
  el.append(h("div", { class: "odp-question", id: `odp-q-${itemId}` },
    h("h3", { class: "odp-heading", text: model.get("label") }),
    h("p", { class: "odp-hint", text: model.get("config").prompt || "" }),
    errorSlot,
    h("fieldset", { class: "odp-fieldset" }, legend,
      field("date", "Date", "For example, 23/11/2026", "date"),
      field("plan", "Plan", "What do you want to learn, and why?", "textarea"),
      field("do", "Do", "What did you do to learn it?"),
      field("review", "Review", "What changed in your work? What next? You can come back and write this later."),
      actions(save, cancel)),
    h("h4", { text: "Your entries" }), list, live));
}

// -------------------------------------------------------------------------------- scenario
const QUALITY = { best: "Best choice", acceptable: "Acceptable choice", poor: "Poor choice" };

function renderScenario(model, el) {
  const body = h("div");
  const live = liveRegion(); // stays in the page across redraws, so announcements are heard
  const root = h("div", { class: "odp-question odp-scenario", id: `odp-q-${model.get("item_id")}` }, body, live);
  const errorSlot = h("div");
  const draw = (moveFocus) => {
    const v = model.get("view") || {};
    const parts = [];
    if (v.history?.length) {
      parts.push(h("h4", { text: "What has happened so far" }),
        h("ol", { class: "odp-history" }, v.history.map((x) => h("li", {},
          h("p", { text: x.situation }), h("p", {}, h("strong", { text: "You chose: " }), x.choice),
          h("p", {}, h("strong", { text: "What happened: " }), x.consequence)))));
    }
    let focusTarget = null;
    if (v.outcome) {
      const o = v.outcome;
      focusTarget = h("h4", { tabindex: "-1", text: "Outcome" });
      parts.push(h("div", { class: "odp-panel odp-outcome" }, focusTarget,
        o.verdict ? h("p", { class: "odp-outcome__verdict" }, h("strong", { text: o.verdict })) : null,
        h("p", { text: o.text }),
        o.notes?.length ? [h("h5", { text: "What to think about" }), h("ul", {}, o.notes.map((n) => h("li", { text: n })))] : null,
        h("h5", { text: "Your decisions" }),
        h("ol", {}, o.decisions.map((d) => h("li", {}, `${d.choice} \u2014 `, h("strong", { text: QUALITY[d.quality] || d.quality })))),
        actions(button("Start the scenario again", { onclick: () => model.send({ action: "restart" }) }))));
    } else if (v.step) {
      const name = uid("step");
      const radios = v.step.choices.map((text, i) => {
        const input = h("input", { class: "odp-input", type: "radio", id: `${name}-${i}`, name, value: String(i) });
        return [input, h("div", { class: "odp-option" }, input, h("label", { for: `${name}-${i}`, class: "odp-label", text }))];
      });
      const legend = h("legend", { class: "odp-legend", tabindex: "-1" }, h("span", { text: v.step.situation }));
      focusTarget = legend;
      parts.push(h("fieldset", { class: "odp-fieldset" }, legend,
        h("div", { class: "odp-hint", text: "What do you do? Select one." }),
        h("div", { class: "odp-radios" }, radios.map(([, r]) => r))),
        actions(button("Continue", { onclick: () => {
          const pick = radios.find(([x]) => x.checked);
          if (!pick) { showErrors(errorSlot, [[radios[0][0].id, "Select what you would do"]]); return; }
          showErrors(errorSlot, []);
          model.send({ action: "choose", index: Number(pick[0].value) });
        } })));
    }
    body.replaceChildren(h("h3", { class: "odp-heading", text: model.get("label") }),
      h("p", { class: "odp-hint", text: `Setting: ${model.get("config").setting}` }), errorSlot, ...parts);
    if (moveFocus && focusTarget) focusWhenReady(focusTarget);
    if (moveFocus) setTimeout(() => { live.textContent = v.announce || ""; }, 100);
  };
  draw(false);
  model.on("change:view", () => draw(true));
  el.append(root);
}

// ------------------------------------------------------------------- check your answers
function renderSummary(model, el) {
  const body = h("div");
  const live = liveRegion();
  const root = h("div", { class: "odp-question odp-check-answers", id: `odp-q-${model.get("item_id")}` }, body, live);
  const draw = (moveFocus) => {
    const v = model.get("view") || {};
    const heading = h("h3", { class: "odp-heading", tabindex: "-1", text: model.get("label") });
    const parts = [heading];
    let focusTarget = heading;
    let said = "";
    if (v.submitted) {
      const panel = h("div", { class: "odp-panel odp-panel--confirmation", tabindex: "-1" },
        h("h4", { text: v.heading || "Test submitted" }), h("p", { text: v.submitted }));
      parts.push(panel);
      focusTarget = panel;
      said = `${v.heading || "Test submitted"}.`;
    } else if (v.rows) {
      if (v.error) {
        const problem = h("p", { class: "odp-error-message", role: "alert", tabindex: "-1", text: v.error });
        parts.push(problem);
        focusTarget = problem;
      }
      const missing = v.unanswered?.length || 0;
      said = missing ? `You have not answered ${missing} question${missing > 1 ? "s" : ""}.`
        : `You have answered all ${v.rows.length} question${v.rows.length > 1 ? "s" : ""}. Check them, then submit.`;
      if (missing) {
        const warning = h("div", { class: "odp-warning", tabindex: "-1" },
          h("p", { text: `You have not answered ${missing} question${missing > 1 ? "s" : ""}:` }),
          h("ul", {}, v.unanswered.map((r) => h("li", {}, h("a", { href: `#odp-q-${r.item}`, text: r.number })))));
        parts.push(warning);
        focusTarget = warning;
      }
      parts.push(h("dl", { class: "odp-summary-list" }, v.rows.map((r) => h("div", { class: "odp-summary-list__row" },
        h("dt", { text: `${r.number}: ${r.prompt}` }),
        h("dd", { text: r.answer || "Not answered" }),
        h("dd", {}, h("a", { href: `#odp-q-${r.item}` }, "Change", h("span", { class: "odp-visually-hidden", text: ` your answer to ${r.number}` })))))));
      parts.push(h("p", { text: "When you submit, you cannot change your answers for this attempt." }),
        actions(button("Submit your answers", { onclick: () => model.send({ action: "submit" }) })));
    } else {
      parts.push(h("p", { text: "When you have answered the questions, check your answers before you submit." }));
    }
    if (!v.submitted) {
      parts.push(actions(button("Check your answers", { class: "odp-button odp-button--secondary", onclick: () => model.send({ action: "review" }) })));
    }
    body.replaceChildren(...parts);
    // Only after the learner's own action: a restored page keeps focus where the browser put it.
    if (moveFocus) {
      focusWhenReady(focusTarget);
      setTimeout(() => { live.textContent = said; }, 100);
    }
  };
  draw(false);
  model.on("change:view", () => draw(true));
  el.append(root);
}

// ------------------------------------------------------------------------------ start test
function renderStart(model, el) {
  el.append(h("div", { class: "odp-question", id: `odp-q-${model.get("item_id")}` },
    h("h3", { class: "odp-heading", text: model.get("label") }),
    h("p", { text: (model.get("view") || {}).intro || "" }),
    actions(button("Start the test", { onclick: () => {
      document.documentElement.dataset[PAPER_FLAG] = "1";
      model.send({ action: "start" });
    } }))));
}

// ---------------------------------------------------------- strategic analysis (Level 7)
// PESTLE, SWOT and the stakeholder map. Entries go to the kernel as "add" and "remove"
// actions; the kernel checks them, saves the whole analysis to the record and answers in
// `view`. A form is cleared only when the kernel confirms, so a refused entry is never lost.

function radioGroup(legendText, hintText, options) {
  const name = uid("radio");
  const hintId = hintText ? uid("hint") : null;
  const inputs = options.map((o, i) => h("input", { class: "odp-input", type: "radio", id: `${name}-${i}`, name, value: o.key }));
  const fieldset = h("fieldset", { class: "odp-fieldset odp-fieldset--nested", "aria-describedby": hintId },
    h("legend", { class: "odp-legend odp-legend--small", text: legendText }),
    hintText ? h("div", { class: "odp-hint", id: hintId, text: hintText }) : null,
    h("div", { class: "odp-radios odp-radios--inline" }, inputs.map((input, i) =>
      h("div", { class: "odp-option" }, input, h("label", { for: input.id, class: "odp-label", text: options[i].label })))));
  return {
    fieldset, inputs,
    value: () => (inputs.find((x) => x.checked) || {}).value || null,
    clear: () => inputs.forEach((x) => { x.checked = false; }),
  };
}

function removeButton(what, onclick) {
  // The visible word is "Remove"; the hidden rest says which entry, for screen reader users.
  return h("button", { type: "button", class: "odp-button odp-button--secondary odp-button--small", onclick },
    "Remove", h("span", { class: "odp-visually-hidden", text: ` ${what}` }));
}

// Kernel answers: {request, errors: [[field, message]]} or {request, done|removed, announce}.
function onKernelAnswer(model, state, errorSlot, live, fieldId, afterOk) {
  model.on("change:view", () => {
    const v = model.get("view") || {};
    if (v.request !== state.request) return; // an answer to another view of this widget
    if (v.errors && v.errors.length) {
      showErrors(errorSlot, v.errors.map(([field, msg]) => [fieldId(field, v), msg]));
      return;
    }
    showErrors(errorSlot, []);
    afterOk(v);
    live.textContent = v.announce || "";
  });
}

function savedLine(model) {
  const saved = h("div", { class: "odp-saved" });
  saved.textContent = model.get("status");
  model.on("change:status", () => { saved.textContent = model.get("status"); });
  return saved;
}

function renderBoxes(model, el) {
  const cfg = model.get("config") || {};
  const errorSlot = h("div");
  const live = liveRegion();
  const impactLabel = Object.fromEntries((cfg.impacts || []).map((i) => [i.key, i.label]));
  const state = { request: 0 };
  const send = (msg) => { state.request += 1; model.send({ ...msg, request: state.request }); };
  const forms = {};
  const submit = (key) => {
    const f = forms[key];
    const errs = [];
    if (!f.text.value.trim()) errs.push([f.text.id, `Enter ${f.box.a_noun}`]);
    const impact = f.impact ? f.impact.value() : null;
    if (f.impact && !impact) errs.push([f.impact.inputs[0].id, `Select the impact of this ${f.box.noun}: high, medium or low`]);
    showErrors(errorSlot, errs);
    if (!errs.length) send({ action: "add", box: key, text: f.text.value, impact });
  };
  const sections = (cfg.boxes || []).map((box) => {
    const textId = uid(box.key);
    const hintId = uid("hint");
    const text = h("textarea", { class: "odp-textarea", id: textId, rows: 2, "aria-describedby": hintId, maxlength: cfg.max_text || null });
    const impact = (cfg.impacts || []).length ? radioGroup(`Impact of this ${box.noun}`, "", cfg.impacts) : null;
    const list = h("ul", { class: "odp-entries" });
    forms[box.key] = { box, text, impact, list };
    return h("fieldset", { class: "odp-fieldset odp-box", id: `odp-box-${model.get("item_id")}-${box.key}` },
      h("legend", { class: "odp-legend", text: box.title }),
      h("p", { class: "odp-hint", id: hintId, text: box.hint }),
      list,
      h("div", { class: "odp-form-group" }, h("label", { for: textId, class: "odp-label odp-label--block", text: `Describe ${box.a_noun}` }), text),
      impact ? impact.fieldset : null,
      actions(button(`Add ${box.noun}`, { class: "odp-button odp-button--secondary", onclick: () => submit(box.key) })));
  });
  const drawLists = () => {
    const r = model.get("response") || {};
    for (const [key, f] of Object.entries(forms)) {
      const entries = r[key] || [];
      f.list.replaceChildren(...(entries.length ? entries.map((e) => h("li", { class: "odp-entry" },
        h("span", { class: "odp-entry__text", text: e.text }),
        e.impact ? h("span", { class: "odp-tag", text: `Impact: ${impactLabel[e.impact] || e.impact}` }) : null,
        removeButton(`${f.box.noun}: ${e.text}`, () => send({ action: "remove", id: e.id }))))
        : [h("li", { class: "odp-entry odp-entry--none", text: "None added yet." })]));
    }
  };
  drawLists();
  model.on("change:response", drawLists);
  const first = Object.values(forms)[0];
  onKernelAnswer(model, state, errorSlot, live, (field, v) => {
    const f = forms[v.box] || first;
    return field === "impact" && f.impact ? f.impact.inputs[0].id : f.text.id;
  }, (v) => {
    const f = forms[v.box];
    if (!f) return;
    if (v.done) { f.text.value = ""; if (f.impact) f.impact.clear(); }
    f.text.focus();
  });
  el.append(h("div", { class: "odp-question odp-analysis", id: `odp-q-${model.get("item_id")}` },
    h("h3", { class: "odp-heading", text: model.get("label") }),
    cfg.prompt ? h("p", { class: "odp-brief", text: cfg.prompt }) : null,
    h("p", { class: "odp-hint", text: "Add each point in the box it belongs to. Each one is saved when you add it." }),
    errorSlot, h("div", { class: "odp-boxes" }, sections), live, savedLine(model)));
}

function renderStakeholders(model, el) {
  const cfg = model.get("config") || {};
  const errorSlot = h("div");
  const live = liveRegion();
  const state = { request: 0 };
  const send = (msg) => { state.request += 1; model.send({ ...msg, request: state.request }); };
  const levelLabel = Object.fromEntries((cfg.levels || []).map((l) => [l.key, l.label]));
  const approachOf = (s) => (cfg.approaches || []).find((a) => a.power === s.power && a.interest === s.interest) || {};
  const nameId = uid("name"), nameHint = uid("hint"), notesId = uid("notes"), notesHint = uid("hint");
  const name = h("input", { class: "odp-text-input", id: nameId, type: "text", autocomplete: "off", "aria-describedby": nameHint, maxlength: cfg.max_name || null });
  const power = radioGroup("How much power do they have over the project?",
    "Power is how far they can shape its decisions, money or resources.", cfg.levels || []);
  const interest = radioGroup("How interested are they in the project?",
    "Interest is how much the project affects them or matters to them.", cfg.levels || []);
  const notes = h("textarea", { class: "odp-textarea", id: notesId, rows: 2, "aria-describedby": notesHint, maxlength: cfg.max_text || null });
  const fields = { name: name.id, power: power.inputs[0].id, interest: interest.inputs[0].id, notes: notes.id };
  const add = button("Add stakeholder", { onclick: () => {
    const errs = [];
    if (!name.value.trim()) errs.push([name.id, "Enter the stakeholder's name or role"]);
    if (!power.value()) errs.push([fields.power, "Select how much power they have over the project: high or low"]);
    if (!interest.value()) errs.push([fields.interest, "Select how interested they are in the project: high or low"]);
    showErrors(errorSlot, errs);
    if (!errs.length) send({ action: "add", name: name.value, power: power.value(), interest: interest.value(), notes: notes.value });
  } });
  const tableSlot = h("div");
  const gridSlot = h("div");
  const draw = () => {
    const people = model.get("response") || [];
    const table = people.length ? h("table", { class: "odp-table" },
      h("caption", { class: "odp-table__caption", text: "Your stakeholders and how to engage them" }),
      h("thead", {}, h("tr", {}, ["Stakeholder", "Power", "Interest", "How to engage them", "Notes", "Change"]
        .map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, people.map((s) => h("tr", {},
        h("th", { scope: "row", text: s.name }),
        h("td", { text: levelLabel[s.power] || s.power }),
        h("td", { text: levelLabel[s.interest] || s.interest }),
        h("td", { text: approachOf(s).title || "" }),
        h("td", { text: s.notes || "" }),
        h("td", {}, removeButton(s.name, () => send({ action: "remove", id: s.id })))))))
      : h("p", { text: "You have not added any stakeholders yet." });
    tableSlot.replaceChildren(table);
    // The grid repeats the table visually; every quadrant says in words what it is.
    gridSlot.replaceChildren(h("figure", { class: "odp-grid-figure" },
      h("figcaption", { text: "Power\u2013interest grid (Mendelow's matrix). Power rises up the grid and interest rises to the right. The table above gives the same information." }),
      h("div", { class: "odp-grid" }, (cfg.approaches || []).map((a) => {
        const names = people.filter((s) => s.power === a.power && s.interest === a.interest).map((s) => s.name);
        return h("div", { class: "odp-grid__cell" },
          h("h4", { class: "odp-grid__title", text: a.title }),
          h("p", { class: "odp-hint", text: `${levelLabel[a.power]} power, ${(levelLabel[a.interest] || "").toLowerCase()} interest. ${a.advice}` }),
          names.length ? h("ul", {}, names.map((n) => h("li", { text: n }))) : h("p", { text: "No stakeholders here yet." }));
      }))));
  };
  draw();
  model.on("change:response", draw);
  onKernelAnswer(model, state, errorSlot, live, (field) => fields[field] || name.id, (v) => {
    if (v.done) { name.value = ""; notes.value = ""; power.clear(); interest.clear(); }
    name.focus();
  });
  el.append(h("div", { class: "odp-question odp-analysis", id: `odp-q-${model.get("item_id")}` },
    h("h3", { class: "odp-heading", text: model.get("label") }),
    cfg.prompt ? h("p", { class: "odp-brief", text: cfg.prompt }) : null,
    errorSlot,
    h("fieldset", { class: "odp-fieldset odp-box" }, h("legend", { class: "odp-legend", text: "Add a stakeholder" }),
      h("div", { class: "odp-form-group" },
        h("label", { for: nameId, class: "odp-label odp-label--block", text: "Name or role" }),
        h("div", { class: "odp-hint", id: nameHint, text: "For example, Head of Finance, or customers who apply online." }),
        name),
      power.fieldset, interest.fieldset,
      h("div", { class: "odp-form-group" },
        h("label", { for: notesId, class: "odp-label odp-label--block", text: "Notes (optional)" }),
        h("div", { class: "odp-hint", id: notesHint, text: "What they need from the project, and how you will involve them." }),
        notes),
      actions(add)),
    tableSlot, gridSlot, live, savedLine(model)));
}

// ---------------------------------------------------------------- what-if options appraisal
// One option's figures in a fieldset; the kernel reads them (the browser only sends the text
// typed), saves them and sends back the NPV in words and the sensitivity table it drew.
function renderWhatIf(model, el) {
  const cfg = model.get("config") || {};
  const errorSlot = h("div");
  const state = { request: 0 };
  const inputs = {};
  const groups = (cfg.fields || []).map((f) => {
    const id = uid(`whatif-${f.key}`), hintId = uid("hint");
    inputs[f.key] = h("input", { class: "odp-text-input" + (f.numeric ? " odp-text-input--number" : ""), id, type: "text",
      name: f.key, autocomplete: "off", spellcheck: f.numeric ? "false" : null, inputmode: f.numeric ? "decimal" : null,
      "aria-describedby": hintId });
    return h("div", { class: "odp-form-group" },
      h("label", { for: id, class: "odp-label odp-label--block", text: f.label }),
      h("div", { class: "odp-hint", id: hintId, text: f.hint }), inputs[f.key]);
  });
  const fill = (figures) => { for (const [k, input] of Object.entries(inputs)) if (figures && k in figures) input.value = String(figures[k]); };
  const npv = h("p", { class: "odp-whatif__npv" });
  const summary = h("p", { class: "odp-whatif__summary" });
  const live = h("div", { class: "odp-live", role: "status", "aria-live": "polite", "aria-atomic": "true" }, npv, summary);
  const table = h("div", { class: "odp-whatif__table odp-table-scroll", tabindex: "0", role: "region", "aria-label": "Sensitivity table" });
  const draw = (v) => {
    npv.replaceChildren(h("strong", { text: `Net present value: ${v.npv || ""}` }));
    summary.textContent = v.summary || "";
    table.innerHTML = v.table || ""; // drawn by the kernel with every text escaped
  };
  const form = h("form", { novalidate: true, onsubmit: (ev) => {
    ev.preventDefault();
    const errs = (cfg.fields || []).filter((f) => !inputs[f.key].value.trim()).map((f) => [inputs[f.key].id, f.missing]);
    showErrors(errorSlot, errs);
    if (errs.length) return;
    state.request += 1;
    const msg = { action: "calculate", request: state.request };
    for (const [k, i] of Object.entries(inputs)) msg[k] = i.value;
    model.send(msg);
  } },
    h("fieldset", { class: "odp-fieldset odp-box" },
      h("legend", { class: "odp-legend", text: "Your figures for one option" }), groups),
    actions(button("Work out the NPV", { type: "submit" })));
  const v0 = model.get("view") || {};
  fill(v0.figures || model.get("response"));
  draw(v0);
  model.on("change:view", () => {
    const v = model.get("view") || {};
    if (v.request !== state.request) { if (!v.errors) { fill(v.figures); draw(v); } return; }
    if (v.errors && v.errors.length) {
      showErrors(errorSlot, v.errors.map(([field, m]) => [(inputs[field] || inputs.option).id, m]));
      return;
    }
    showErrors(errorSlot, []);
    draw(v);
  });
  el.append(h("div", { class: "odp-question odp-analysis odp-whatif", id: `odp-q-${model.get("item_id")}` },
    h("h3", { class: "odp-heading", text: model.get("label") }),
    cfg.prompt ? h("p", { class: "odp-brief", text: cfg.prompt }) : null,
    h("p", { class: "odp-hint", text: "Change any figure and press Work out the NPV. The net present value and the sensitivity table are worked out again, and your figures are saved." }),
    errorSlot, form, live, table, savedLine(model)));
}

const RENDERERS = {
  single: renderChoice, multiple: renderChoice, true_false: renderChoice,
  numeric: renderShort, text: renderShort, written: renderWritten,
  checklist: renderChecklist, cpd_log: renderCpd, scenario: renderScenario, summary: renderSummary, start: renderStart,
  pestle: renderBoxes, swot: renderBoxes, risk_register: renderBoxes, stakeholder_map: renderStakeholders,
  what_if: renderWhatIf,
};

export default {
  render({ model, el }) {
    installContentsLinks();
    el.classList.add("odp");
    (RENDERERS[model.get("kind")] || ((m, e) => e.append(h("p", { text: `Unknown widget ${m.get("kind")}` }))))(model, el);
  },
};
