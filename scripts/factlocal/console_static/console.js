// The local test console: a client of the console API (scripts/factlocal/console.py), which is a
// client of the skill endpoint through the same simulator as chat.py. No framework, no build.
"use strict";

const state = { session: null, config: null, locale: null };
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const answer = await fetch(path, options);
  const data = await answer.json();
  if (!answer.ok) throw new Error(data.error || answer.statusText);
  return data;
}

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined) continue;
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function localeConfig() {
  return state.config.locales.find((l) => l.locale === state.locale);
}

async function newSession() {
  state.locale = $("locale").value;
  const device = $("device").value;
  const started = await api("/api/session", { locale: state.locale, device });
  state.session = started.session;
  const spec = state.config.devices.find((d) => d.id === device);
  $("display").hidden = !spec.screen;
  $("player").hidden = !spec.player;
  $("utterance").placeholder = localeConfig().open;
  $("utterance").lang = state.locale;
  renderPlayer(null);
  $("events").replaceChildren();
  $("turns").append(element("li", { class: "turn meta" },
    `New conversation: ${state.locale} on ${spec.label}.`));
}

function copyButton(text) {
  const button = element("button", { type: "button", class: "copy" }, "Copy");
  button.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(text));
  return button;
}

function envelope(title, data) {
  const text = JSON.stringify(data, null, 2);
  return element("details", {}, element("summary", {}, title), copyButton(text), element("pre", {}, text));
}

function speechNode(parts) {
  const node = element("div", { class: "alexa", lang: state.locale });
  node.append(element("strong", {}, "Alexa: "));
  for (const part of parts) {
    if (part.text) node.append(element("span", { class: "said" }, part.text + " "));
    if (part.audio) {
      const clip = element("audio", { class: "clip", controls: "", preload: "auto",
        src: part.proxy || null, "data-url": part.audio, "aria-label": "fact clip" });
      node.append(clip);
    }
  }
  return node;
}

// Play a reply the way Alexa would: text through the browser's speech synthesis (a stand-in for
// Alexa's voice), each clip in place, in order.
async function playInSequence(parts) {
  for (const part of parts) {
    if (part.text && window.speechSynthesis) {
      await new Promise((done) => {
        const said = new SpeechSynthesisUtterance(part.text);
        said.lang = state.locale;
        said.onend = done; said.onerror = done;
        window.speechSynthesis.speak(said);
      });
    } else if (part.proxy) {
      await new Promise((done) => {
        const clip = new Audio(part.proxy);
        clip.onended = done; clip.onerror = done;
        clip.play().catch(done);
      });
    }
  }
}

function renderTurn(turn) {
  const item = element("li", { class: "turn" });
  item.append(element("div", { class: "you" }, `You: ${turn.utterance}`));
  if (turn.note) {
    item.append(element("div", { class: "meta" }, `Simulator: ${turn.note}`));
    $("turns").append(item);
    return item;
  }
  const slots = Object.entries(turn.slots || {})
    .map(([name, slot]) => `${name}=${slot.value}${slot.id ? " -> " + slot.id : ""}`).join(" ");
  item.append(element("div", { class: "resolved" },
    `-> ${turn.request_line}${slots && !turn.request_line.includes("=") ? " " + slots : ""}`));
  if (turn.speech.length) {
    item.append(speechNode(turn.speech));
    const play = element("button", { type: "button", class: "play-reply" }, "Play reply");
    play.addEventListener("click", () => playInSequence(turn.speech));
    item.append(play);
  } else {
    item.append(element("div", { class: "alexa" }, "Alexa: (no speech)"));
  }
  if (turn.reprompt) item.append(element("div", { class: "meta reprompt" }, `Reprompt: ${turn.reprompt}`));
  if (turn.card) item.append(element("div", { class: "meta card" }, `Card: ${turn.card.title} | ${turn.card.text}`));
  for (const directive of turn.directives) {
    item.append(element("div", { class: "meta directive" }, `Directive: ${directive}`));
  }
  item.append(element("span", { class: `badge session ${turn.session_open ? "open" : "closed"}` },
    turn.session_open ? "session open" : "session ended"));
  for (const problem of turn.problems) item.append(element("div", { class: "problem" }, `Problem: ${problem}`));
  item.append(envelope("Request envelope", turn.request), envelope("Response envelope", turn.response));
  $("turns").append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

function renderDisplay(display) {
  if (!display) return;
  $("screen").setAttribute("dir", display.direction === "RTL" ? "rtl" : "ltr");
  $("screen").setAttribute("lang", state.locale);
  $("screen-title").textContent = display.title || "";
  $("screen-topic").textContent = display.topic ? `· ${display.topic}` : "";
  $("screen-text").textContent = display.text || "";
  $("screen-hint").textContent = display.hint || "";
}

// The preview at the chosen viewport's proportions (round for the Echo Spot).
function applyViewport() {
  const [size, shape] = $("viewport").value.split("-");
  const [width, height] = size.split("x");
  const screen = $("screen");
  screen.style.aspectRatio = `${width} / ${height}`;
  screen.classList.toggle("round", shape === "round");
  screen.dataset.viewport = $("viewport").value;
}

function renderPlayer(player) {
  const stream = $("stream");
  if (!player || !player.current) {
    $("now-playing").textContent = "Nothing";
    $("queue").replaceChildren();
    stream.removeAttribute("src");
    return;
  }
  const current = player.current;
  $("now-playing").textContent =
    `${current.title} · ${current.subtitle} (${player.activity.toLowerCase()})`;
  $("queue").replaceChildren(...player.queue.map((t) => element("li", {}, `${t.title} · ${t.subtitle}`)));
  if (current.proxy && stream.dataset.token !== current.token) {
    stream.dataset.token = current.token;
    stream.src = current.proxy;
    stream.currentTime = (current.offset || 0) / 1000;
  }
  if (player.activity === "PLAYING") stream.play().catch(() => {}); else stream.pause();
}

function renderEvents(events) {
  for (const event of events) {
    const line = element("li", {}, `${event.kind.replace("AudioPlayer.", "")} ${event.token}`);
    for (const answer of event.answer) line.append(element("div", { class: "answer" }, `<- ${answer}`));
    for (const problem of event.problems) line.append(element("div", { class: "problem" }, `Problem: ${problem}`));
    $("events").append(line);
  }
}

async function say(utterance) {
  if (!state.session) await newSession();
  const turn = await api("/api/say", { session: state.session, utterance });
  renderTurn(turn);
  renderDisplay(turn.display);
  renderPlayer(turn.player);
  if ($("autoplay").checked && turn.speech.length) playInSequence(turn.speech);
  return turn;
}

// The device moves on: the current track's events (started, nearly finished, finished) go to
// the skill through the simulator's AudioPlayer device, which plays what the skill queued.
async function advance() {
  const played = await api("/api/play", { session: state.session, tracks: 1 });
  renderEvents(played.events);
  renderPlayer(played.player);
}

async function setup() {
  state.config = await api("/api/config");
  $("locale").replaceChildren(...state.config.locales.map((l) =>
    element("option", { value: l.locale }, l.locale)));
  $("locale").value = "en-US";
  $("device").replaceChildren(...state.config.devices.map((d) =>
    element("option", { value: d.id }, d.label)));
  $("device").value = state.config.default_device;
  $("locale").addEventListener("change", newSession);
  $("device").addEventListener("change", newSession);
  $("new-session").addEventListener("click", newSession);
  $("say-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("utterance").value.trim();
    if (!text) return;
    $("utterance").value = "";
    try { await say(text); } catch (error) {
      $("turns").append(element("li", { class: "turn problem" }, `Error: ${error.message}`));
    }
  });
  for (const command of ["pause", "resume", "next"]) {
    $(command).addEventListener("click", () => say(localeConfig()[command]));
  }
  $("advance").addEventListener("click", advance);
  $("viewport").addEventListener("change", applyViewport);
  applyViewport();
  $("stream").addEventListener("ended", advance);
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (Recognition) {
    const listen = $("listen");
    listen.hidden = false;
    listen.addEventListener("click", () => {
      const recognition = new Recognition();
      recognition.lang = state.locale;
      recognition.onresult = (event) => say(event.results[0][0].transcript);
      recognition.start();
    });
  }
  await newSession();
  document.body.dataset.ready = "true";
}

setup();
