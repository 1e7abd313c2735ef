// The page of numpy-cnn's web app. It draws, sends the canvas as a PNG, and shows what the
// server answers; the server computes every number (numpy_cnn.web.server lists the API).
"use strict";

const $ = (id) => document.getElementById(id);
const canvas = $("canvas"), pen = canvas.getContext("2d");
const overlay = $("overlay"), overlayPen = overlay.getContext("2d");

// What the page knows; tests read it as window.numpyCnn.
const state = {
  strokes: [],          // [{width, points: [[x, y], ...]}]
  version: 0,           // changes with every stroke, undo and clear
  drawing: false,
  asked: 0,             // the number of the last prediction asked for
  answered: 0,          // the number of the one on screen
  answer: null,         // the last /api/predict answer shown
  penUpAt: null,        // performance.now() at the last pen-up
  lastAnswerMs: null,   // from that pen-up to the answer on screen
  loadMs: null,
  info: null,
  inside: null,         // the last /api/inside answer
  selected: null,       // {layer, index} of the map chosen in Inside
  story: null,          // the last /api/explain answer
  saved: null,          // {version, token, digit} of the last correction
  learning: null,       // the EventSource of Watch it learn
  teaching: null,       // the EventSource of Teach it
  history: [],          // Watch it learn's snapshots: {batch, train_loss, val_accuracy}
  batches: 1,
};
window.numpyCnn = state;

// ------------------------------------------------------------------ drawing

function paint() {
  pen.fillStyle = "#000";
  pen.fillRect(0, 0, canvas.width, canvas.height);
  pen.strokeStyle = pen.fillStyle = "#fff";
  pen.lineCap = pen.lineJoin = "round";
  for (const stroke of state.strokes) {
    const [x0, y0] = stroke.points[0];
    pen.beginPath();
    pen.arc(x0, y0, stroke.width / 2, 0, 2 * Math.PI);
    pen.fill();
    if (stroke.points.length > 1) {
      pen.lineWidth = stroke.width;
      pen.beginPath();
      pen.moveTo(x0, y0);
      for (const [x, y] of stroke.points.slice(1)) pen.lineTo(x, y);
      pen.stroke();
    }
  }
}

function at(event) {
  const box = canvas.getBoundingClientRect();
  return [(event.clientX - box.left) * canvas.width / box.width,
          (event.clientY - box.top) * canvas.height / box.height];
}

canvas.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  canvas.setPointerCapture(event.pointerId);
  state.drawing = true;
  state.strokes.push({width: Number($("pen").value), points: [at(event)]});
  state.version++;
  paint();
});
canvas.addEventListener("pointermove", (event) => {
  if (!state.drawing) return;
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
  for (const e of (events.length ? events : [event])) state.strokes.at(-1).points.push(at(e));
  paint();
});
function penUp() {
  if (!state.drawing) return;
  state.drawing = false;
  state.penUpAt = performance.now();
  changed();
}
canvas.addEventListener("pointerup", penUp);
canvas.addEventListener("pointercancel", penUp);

$("pen").addEventListener("input", () => { $("pen-value").textContent = $("pen").value; });
$("undo").addEventListener("click", () => {
  if (state.drawing || !state.strokes.length) return;
  state.strokes.pop();
  state.version++;
  paint();
  state.penUpAt = performance.now();
  changed();
});
$("clear").addEventListener("click", () => {
  state.strokes = [];
  state.version++;
  state.drawing = false;
  paint();
  changed();
});

function png() {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

async function post(url, body) {
  const response = await fetch(url, {method: "POST", body: body || null,
    headers: body ? {"Content-Type": "image/png"} : {}});
  const data = await response.json().catch(() => ({error: `HTTP ${response.status}`}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

// ------------------------------------------------------------------ the answer

// The drawing changed: read it again, and bring every open look up to date.
async function changed() {
  const asked = ++state.asked;
  if (!state.strokes.length) { showNothing(); state.answered = asked; return; }
  const body = await png();
  let answer;
  try {
    answer = await post("/api/predict", body);
  } catch (error) {
    if (asked === state.asked) showError(error.message);
    return;
  }
  if (asked !== state.asked) return;             // a newer drawing is on its way
  showAnswer(answer);
  if (state.penUpAt !== null) state.lastAnswerMs = performance.now() - state.penUpAt;
  state.answered = asked;
  refreshWhy(body, asked);
  if (!$("inside").hidden) refreshInside(body, asked);
  if (state.learning) readForLearning(body);
}

function showAnswer(answer) {
  state.answer = answer;
  const shown = $("answer");
  shown.classList.toggle("notdigit", answer.not_a_digit);
  shown.textContent = answer.not_a_digit ? "not a digit" : String(answer.digit);
  const [second, p2] = answer.runner_up;
  $("sure").textContent = answer.not_a_digit
    ? `closest: ${answer.best} (${percent(answer.confidence)})`
    : answer.unsure ? `unsure: ${percent(answer.confidence)}, or a ${second} (${percent(p2)})`
    : `${percent(answer.confidence)} sure`;
  showBars($("bars"), answer.probabilities);
  showInput(answer.network_input);
}

function showNothing() {
  state.answer = null;
  $("answer").textContent = "?";
  $("answer").classList.remove("notdigit");
  $("sure").textContent = "draw a digit";
  showBars($("bars"), null);
  showInput(null);
  overlayPen.clearRect(0, 0, overlay.width, overlay.height);
  if (!$("inside").hidden) showInsideNothing();
  if (state.learning) showLearnReading(null);
}

function showError(message) {
  $("sure").textContent = message;
}

function percent(p) { return `${(100 * p).toFixed(p >= 0.995 || p < 0.1 ? 1 : 0)}%`; }

function showBars(element, probabilities) {
  element.replaceChildren();
  const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  for (let d = 0; d < 10; d++) {
    const p = probabilities ? probabilities[d] : 0;
    const label = document.createElement("span");
    label.textContent = d;
    const track = document.createElement("div");
    track.className = "track";
    const fill = document.createElement("div");
    fill.className = d === best ? "fill best" : "fill";
    fill.style.width = `${100 * p}%`;
    track.append(fill);
    const value = document.createElement("span");
    value.textContent = probabilities ? percent(p) : "";
    element.append(label, track, value);
  }
}

function showInput(pixels) {
  const view = $("input").getContext("2d");
  const image = view.createImageData(28, 28);
  for (let i = 0; i < 28 * 28; i++) {
    const v = pixels ? Math.round(255 * pixels[Math.floor(i / 28)][i % 28]) : 0;
    image.data.set([v, v, v, 255], 4 * i);
  }
  view.putImageData(image, 0, 0);
}

function drawImage(context, url, x, y, w, h) {
  return new Promise((resolve) => {
    const picture = new Image();
    picture.onload = () => {
      context.imageSmoothingEnabled = false;
      context.drawImage(picture, x, y, w, h);
      resolve();
    };
    picture.src = url;
  });
}

// ------------------------------------------------------------------ Why

function why() { return document.querySelector("input[name=why]:checked").value; }

for (const choice of document.querySelectorAll("input[name=why]")) {
  choice.addEventListener("change", async () => refreshWhy(await png(), state.asked));
}

async function refreshWhy(body, asked) {
  overlayPen.clearRect(0, 0, overlay.width, overlay.height);
  if (why() === "off" || !state.strokes.length) {
    if (state.answer) showInput(state.answer.network_input);
    return;
  }
  let heat;
  try {
    heat = await post(`/api/why?method=${why()}`, body);
  } catch (error) { showError(error.message); return; }
  if (asked !== state.asked || why() !== heat.method) return;
  const where = heat.placement;
  overlayPen.clearRect(0, 0, overlay.width, overlay.height);
  const sx = overlay.width / where.width, sy = overlay.height / where.height;
  await drawImage(overlayPen, heat.canvas_heat, where.x * sx, where.y * sy, where.size * sx,
                  where.size * sy);
  await drawImage($("input").getContext("2d"), heat.input_heat, 0, 0, 28, 28);
  overlay.dataset.method = heat.method;
}

// ------------------------------------------------------------------ the panels

for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", async () => {
    const section = $(button.dataset.opens);
    section.hidden = !section.hidden;
    button.classList.toggle("on", !section.hidden);
    if (!section.hidden) {
      section.scrollIntoView({block: "nearest"});
      if (section.id === "inside") {
        if (state.strokes.length) refreshInside(await png(), state.asked);
        else showInsideNothing();
      }
      if (section.id === "teach") refreshCounts();
    }
  });
}

// ------------------------------------------------------------------ Inside

$("scale").addEventListener("change", async () => {
  if (state.strokes.length) refreshInside(await png(), state.asked);
});

async function refreshInside(body, asked) {
  let inside;
  try {
    inside = await post(`/api/inside?scale=${$("scale").value}`, body);
  } catch (error) { $("story").textContent = error.message; return; }
  if (asked !== state.asked) return;
  state.inside = inside;
  const layers = $("layers");
  layers.replaceChildren();
  for (const layer of inside.layers) {
    const heading = document.createElement("h3");
    heading.textContent = layer.caption;
    const maps = document.createElement("div");
    maps.className = "maps";
    maps.dataset.layer = layer.name;
    const side = Math.max(2, Math.round(44 / layer.shape[0])) * layer.shape[0];
    layer.maps.forEach((url, index) => {
      const picture = document.createElement("img");
      picture.src = url;
      picture.width = picture.height = side;
      picture.className = "pixels";
      picture.alt = `${layer.name} map ${index}`;
      picture.title = `${layer.name}, map ${index}`;
      picture.dataset.index = index;
      if (state.selected && state.selected.layer === layer.name && state.selected.index === index)
        picture.classList.add("selected");
      picture.addEventListener("click", () => selectMap(layer.name, index));
      maps.append(picture);
    });
    layers.append(heading, maps);
  }
  const dense = document.createElement("h3");
  dense.textContent = inside.dense_caption;
  const units = document.createElement("img");
  units.src = inside.dense;
  units.className = "pixels";
  units.width = 16 * 16; units.height = 8 * 16;
  units.alt = "the dense layer";
  layers.append(dense, units);
  if (state.selected) {
    await showSelected();
    if (state.story) explain(state.story.clicked.row, state.story.clicked.col);
  }
}

function showInsideNothing() {
  state.inside = null;
  $("layers").replaceChildren(Object.assign(document.createElement("p"),
    {className: "help", textContent: "Draw a digit: every layer's maps appear here."}));
  $("story").replaceChildren();
  const view = $("closer-map").getContext("2d");
  view.clearRect(0, 0, 264, 264);
}

function layerOf(name) { return state.inside.layers.find((layer) => layer.name === name); }

async function selectMap(name, index) {
  state.selected = {layer: name, index};
  state.story = null;
  for (const picture of document.querySelectorAll(".maps img")) {
    picture.classList.toggle("selected", picture.parentElement.dataset.layer === name &&
                                         Number(picture.dataset.index) === index);
  }
  $("story").replaceChildren();
  await showSelected();
}

async function showSelected() {
  const layer = layerOf(state.selected.layer);
  if (!layer) return;
  $("closer-title").textContent = `${layer.name}, map ${state.selected.index} of ` +
    `${layer.shape[2]}: click a pixel`;
  const view = $("closer-map").getContext("2d");
  view.clearRect(0, 0, 264, 264);
  await drawImage(view, layer.maps[state.selected.index], 0, 0, 264, 264);
  if (state.story) mark(state.story.clicked.row, state.story.clicked.col);
}

function mark(row, col) {
  const layer = layerOf(state.selected.layer);
  const cell = 264 / layer.shape[0];
  const view = $("closer-map").getContext("2d");
  view.strokeStyle = "#ffffff";
  view.lineWidth = 2;
  view.strokeRect(col * cell + 1, row * cell + 1, cell - 2, cell - 2);
}

$("closer-map").addEventListener("click", (event) => {
  if (!state.selected || !state.inside) return;
  const layer = layerOf(state.selected.layer);
  const box = event.target.getBoundingClientRect();
  const col = Math.floor((event.clientX - box.left) / box.width * layer.shape[1]);
  const row = Math.floor((event.clientY - box.top) / box.height * layer.shape[0]);
  explain(row, col);
});

async function explain(row, col) {
  const {layer, index} = state.selected;
  let story;
  try {
    story = await post(`/api/explain?layer=${layer}&map=${index}&row=${row}&col=${col}`,
                       await png());
  } catch (error) { $("story").textContent = error.message; return; }
  state.story = story;
  await showSelected();
  showStory(story);
}

function table(values, winner) {
  const element = document.createElement("table");
  element.className = "numbers";
  values.forEach((row, i) => {
    const line = element.insertRow();
    row.forEach((v, j) => {
      const cell = line.insertCell();
      cell.textContent = v.toFixed(2);
      const limit = Math.max(1e-9, ...values.flat().map(Math.abs));
      const a = Math.min(1, Math.abs(v) / limit) * 0.55;
      cell.style.background = v >= 0 ? `rgba(255, 140, 40, ${a})` : `rgba(60, 130, 255, ${a})`;
      if (winner && winner[0] === i && winner[1] === j) cell.classList.add("winner");
    });
  });
  return element;
}

function line(text, className) {
  return Object.assign(document.createElement("p"), {textContent: text,
                                                     className: className || "formula"});
}

function showStory(story) {
  const out = $("story");
  out.replaceChildren();
  const fmt = (v) => (v >= 0 ? "+" : "\u2212") + Math.abs(v).toFixed(3);
  const c = story.clicked;
  if (c.layer !== story.layer) {
    out.append(line(`${c.layer} (${c.row}, ${c.col}) = ${c.value.toFixed(3)} comes from ` +
      `its pooling window's winner: ${story.layer} pixel (${story.row}, ${story.col}).`));
  }
  const many = story.inputs.length > 1;
  out.append(line(`${story.layer}, map ${story.map}, pixel (${story.row}, ${story.col}) = ` +
    `bias + the sum, over ${many ? "its input maps" : "the input"}, of the 3x3 window ` +
    `\u00d7 the kernel's 3x3 weights.` + (many ? " The ones that add the most:" : "")));
  for (const input of story.inputs) {
    const row = document.createElement("div");
    row.className = "story-row";
    row.append(line(`${many ? `input map ${input.channel}` : "the input"}: window \u00d7 ` +
                    "weights = products, and their sum", "label"),
               table(input.window), line("\u00d7", "op"), table(input.kernel), line("=", "op"),
               table(input.products), line(`\u2192 ${fmt(input.sum)}`, "op"));
    out.append(row);
  }
  const shown = story.inputs.reduce((s, input) => s + input.sum, 0);
  if (story.rest !== 0 || story.inputs.length > 1) {
    out.append(line(`The other input maps add ${fmt(story.rest)}.`));
  }
  out.append(line(`the sum of all ${fmt(shown + story.rest)}, plus the bias ` +
                  `${fmt(story.bias)}: ${fmt(story.total)}`, "formula total"));
  if (story.pooling) {
    const p = story.pooling;
    const row = document.createElement("div");
    row.className = "story-row";
    row.append(line(`${p.layer}: the largest of the 2x2 window (${p.row}, ${p.col}) of ` +
                    `${story.layer}'s map`, "label"),
               table(p.window, p.winner), line(`\u2192 ${p.value.toFixed(3)}`, "op"));
    out.append(row, line(story.is_winner ? "This pixel is the winner: its number is passed on."
                                         : "Another pixel wins: this one is not passed on."));
  } else {
    out.append(line("No pooling window holds this pixel: the pooling drops this row or column."));
  }
  if (story.relu) {
    out.append(line(`${story.relu.layer}: max(0, ${story.pooling.value.toFixed(3)}) = ` +
                    `${story.relu.value.toFixed(3)}`, "formula total"));
  }
}

// ------------------------------------------------------------------ Watch it learn

function say(element, text, error) {
  element.textContent = text;
  element.classList.toggle("error", Boolean(error));
}

$("learn-start").addEventListener("click", async () => {
  try {
    await post("/api/learn/start");
  } catch (error) { say($("learn-status"), error.message, true); return; }
  state.history = [];
  plot();
  say($("learn-status"), "Starting a training process and loading MNIST...");
  $("learn-start").disabled = true;
  $("learn-pause").disabled = $("learn-stop").disabled = false;
  $("learn-pause").textContent = "Pause";
  const events = new EventSource("/api/learn/events");
  state.learning = events;
  events.addEventListener("ready", (e) => {
    const ready = JSON.parse(e.data);
    state.batches = ready.batches;
    $("learn-digit").src = ready.digit;
    if (state.strokes.length) png().then(readForLearning);
  });
  events.addEventListener("progress", (e) => {
    const s = JSON.parse(e.data);
    state.history.push(s);
    $("learn-filters").src = s.filters;
    $("learn-maps").src = s.maps;
    plot();
    showLearnReading(s.reading);
    const accuracy = s.val_accuracy === null ? "-" : percent(s.val_accuracy);
    const speed = s.seconds ? `, ${Math.round(s.images / s.seconds).toLocaleString("en")} ` +
                              "images/s" : "";
    if ($("learn-pause").textContent === "Pause") {
      say($("learn-status"), `batch ${s.batch} of ${state.batches} ` +
        `(${s.images.toLocaleString("en")} images seen${speed})\n` +
        `held-out digits read right: ${accuracy}`);
    }
  });
  events.addEventListener("saved", (e) => {
    const saved = JSON.parse(e.data);
    say($("learn-status"), `${saved.reason === "stopped" ? "Stopped" : "Finished"}. ` +
        `The weights are saved as the run ${saved.run} in your runs folder.`);
    endLearning();
  });
  events.addEventListener("error", (e) => {
    if (e.data) say($("learn-status"), `Training cannot go on: ${JSON.parse(e.data).message}`, true);
    if (e.data || events.readyState === EventSource.CLOSED) endLearning();
  });
});

function endLearning() {
  if (state.learning) state.learning.close();
  state.learning = null;
  $("learn-start").disabled = !(state.info && state.info.training_allowed);
  $("learn-pause").disabled = $("learn-stop").disabled = true;
}

$("learn-pause").addEventListener("click", async () => {
  const pausing = $("learn-pause").textContent === "Pause";
  try {
    await post(pausing ? "/api/learn/pause" : "/api/learn/resume");
  } catch (error) { say($("learn-status"), error.message, true); return; }
  $("learn-pause").textContent = pausing ? "Resume" : "Pause";
  if (pausing) say($("learn-status"), "Paused. " + $("learn-status").textContent);
});

$("learn-stop").addEventListener("click", async () => {
  try {
    await post("/api/learn/stop");
  } catch (error) { say($("learn-status"), error.message, true); return; }
  say($("learn-status"), "Stopping: saving the weights...");
  $("learn-pause").disabled = $("learn-stop").disabled = true;
});

async function readForLearning(body) {
  try {
    const answer = await post("/api/learn/drawing", body);
    showLearnReading(answer.reading);
  } catch (error) { /* the run ended meanwhile: nothing to show */ }
}

function showLearnReading(reading) {
  if (!reading || !state.strokes.length) {
    $("learn-answer").textContent = "?";
    $("learn-sure").textContent = "";
    showBars($("learn-bars"), null);
    return;
  }
  $("learn-answer").textContent = reading.not_a_digit ? "-" : String(reading.digit);
  $("learn-sure").textContent = reading.not_a_digit ? "not a digit"
                                                   : `${percent(reading.confidence)}`;
  showBars($("learn-bars"), reading.probabilities);
}

function plot() {
  const view = $("learn-plot").getContext("2d");
  const w = view.canvas.width, h = view.canvas.height, left = 40, half = h / 2;
  view.clearRect(0, 0, w, h);
  view.font = "11px system-ui, sans-serif";
  const series = [["training loss", "train_loss", 2.5, "#ffa040", 0],
                  ["held-out accuracy", "val_accuracy", 1.0, "#60d080", half]];
  for (const [name, key, top0, colour, y0] of series) {
    const points = state.history.filter((s) => s[key] !== null);
    const top = Math.max(top0, ...points.map((s) => s[key]));
    const y = (v) => y0 + half - 18 - v / top * (half - 34);
    const x = (batch) => left + batch / Math.max(1, state.batches) * (w - left - 8);
    view.fillStyle = "#e8e8e8";
    view.fillText(name, left, y0 + 12);
    view.strokeStyle = "#40444c";
    view.strokeRect(left, y(top), w - left - 8, y(0) - y(top));
    view.fillStyle = "#9aa0aa";
    view.fillText(key === "val_accuracy" ? "100%" : top.toFixed(1), 4, y(top) + 4);
    view.fillText(key === "val_accuracy" ? "0%" : "0", 4, y(0) + 4);
    if (!points.length) continue;
    view.strokeStyle = colour;
    view.lineWidth = 2;
    view.beginPath();
    points.forEach((s, i) => (i ? view.lineTo : view.moveTo).call(view, x(s.batch), y(s[key])));
    view.stroke();
    const last = points.at(-1);
    view.fillStyle = colour;
    view.fillText(key === "val_accuracy" ? percent(last[key]) : last[key].toFixed(2),
                  Math.min(x(last.batch) + 4, w - 44), Math.max(y(last[key]) - 4, y(top) + 12));
  }
}

// ------------------------------------------------------------------ Correct it, teach it

for (let d = 0; d < 10; d++) {
  const cell = document.createElement("span");
  cell.className = "digit";
  const button = Object.assign(document.createElement("button"),
                               {type: "button", textContent: d, id: `correct-${d}`});
  const count = Object.assign(document.createElement("div"),
                              {className: "help", id: `count-${d}`, textContent: "0"});
  count.style.textAlign = "center";
  count.style.margin = "0";
  button.addEventListener("click", () => correct(d));
  cell.append(button, count);
  $("digits").append(cell);
}

function showCounts(counts) {
  counts.forEach((n, d) => { $(`count-${d}`).textContent = n; });
}

async function refreshCounts() {
  try {
    showCounts((await (await fetch("/api/digits")).json()).counts);
  } catch (error) { /* shown at the next correction */ }
}

async function correct(digit) {
  if (!state.strokes.length) {
    say($("teach-status"), "Draw a digit first, then click the digit it is.");
    return;
  }
  const again = state.saved && state.saved.version === state.version;
  if (again && state.saved.digit === digit) {
    say($("teach-status"), `Already saved as a ${digit}.`);
    return;
  }
  const replaces = again ? `&replaces=${encodeURIComponent(state.saved.token)}` : "";
  let saved;
  try {
    saved = await post(`/api/correct?digit=${digit}${replaces}`, await png());
  } catch (error) { say($("teach-status"), `Could not save it: ${error.message}`, true); return; }
  state.saved = {version: state.version, token: saved.token, digit};
  showCounts(saved.counts);
  const total = saved.counts.reduce((a, b) => a + b, 0);
  say($("teach-status"), `Saved as a ${digit}: ${saved.counts[digit]} of yours now, ${total} ` +
      `in all. Teach it when you have a few.`);
}

$("teach-start").addEventListener("click", async () => {
  if (state.teaching) {
    try { await post("/api/teach/stop"); } catch (error) { /* it ended meanwhile */ }
    say($("teach-status"), "Stopping...");
    return;
  }
  try {
    await post("/api/teach");
  } catch (error) { say($("teach-status"), error.message, true); return; }
  say($("teach-status"), "Starting: reading your digits and MNIST...");
  $("teach-start").textContent = "Stop teaching";
  $("teach-progress").hidden = false;
  $("teach-progress").value = 0;
  const events = new EventSource("/api/teach/events");
  state.teaching = events;
  events.addEventListener("ready", (e) => {
    const r = JSON.parse(e.data);
    say($("teach-status"), `Teaching on your ${r.digits} digits (and MNIST, so that it does ` +
        `not forget it): it reads ${r.before} of them right now.` +
        r.notes.map((n) => "\n" + n).join(""));
  });
  events.addEventListener("progress", (e) => {
    const p = JSON.parse(e.data);
    $("teach-progress").value = p.batch / p.batches;
  });
  events.addEventListener("taught", (e) => {
    const t = JSON.parse(e.data);
    endTeaching();
    say($("teach-status"), `Read right before: ${t.before} of your ${t.digits} digits; after: ` +
        `${t.after} of ${t.digits} (${Math.round(t.seconds)} s). The server reads with these ` +
        "weights from now on.");
    changed();
  });
  events.addEventListener("stopped", () => {
    endTeaching();
    say($("teach-status"), "Stopped: nothing was saved; the network reads as before.");
  });
  events.addEventListener("error", (e) => {
    if (e.data) say($("teach-status"), `Teach cannot go on: ${JSON.parse(e.data).message}`, true);
    if (e.data || events.readyState === EventSource.CLOSED) endTeaching();
  });
});

function endTeaching() {
  if (state.teaching) state.teaching.close();
  state.teaching = null;
  $("teach-start").textContent = "Teach it";
  $("teach-progress").hidden = true;
  refreshCounts();
}

// ------------------------------------------------------------------ start

async function start() {
  paint();
  showNothing();
  plot();
  try {
    state.info = await (await fetch("/api/info")).json();
  } catch (error) { showError("the server does not answer"); return; }
  if (!state.info.training_allowed) {
    const off = "Off on this server: it can be reached from other computers " +
                "(start it with --allow-training to allow this).";
    for (const id of ["learn-start", "teach-start"]) $(id).disabled = true;
    for (let d = 0; d < 10; d++) $(`correct-${d}`).disabled = true;
    say($("learn-status"), off);
    say($("teach-status"), off);
  }
  state.loadMs = performance.now();
  document.body.dataset.ready = "yes";
}
start();
