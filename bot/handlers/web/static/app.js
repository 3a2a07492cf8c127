/* The web chat page: plain ES2017, no modules, nothing loaded from elsewhere.
   Everything residents type and the bot says goes in through textContent, never as HTML. */
(function () {
  'use strict';

  var chat = document.getElementById('chat');
  var form = document.getElementById('composer');
  var box = document.getElementById('box');
  var sendButton = document.getElementById('send');
  var largeSwitch = document.getElementById('large');
  var limitNote = document.getElementById('limit');
  var labels = document.getElementById('labels').dataset;
  var maxText = parseInt(box.getAttribute('maxlength'), 10) || 500;

  var POLL_MS = 30000;
  var RETRY_MS = 1500;
  var SHORT_LABEL = 4;
  var START_RE = /^course-[A-Za-z0-9_-]{1,40}$/;
  var LARGE_KEY = 'linli-large-text';

  var busy = false;
  var lastId = 0;
  var shown = {};
  var voice = null;

  function newId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    return Array.prototype.map.call(bytes, function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function scrollDown() {
    chat.scrollTop = chat.scrollHeight;
  }

  function isLink(value) {
    return typeof value === 'string' && /^https?:\/\//i.test(value);
  }

  function setBusy(on) {
    busy = on;
    sendButton.disabled = on;
    var buttons = document.querySelectorAll('.choices:not(.old) .choice, #bar button');
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = on; }
  }

  function retireOldChoices() {
    // Older buttons stay in sight, so scrolling back shows each question with its options,
    // but only the newest work: a typed number means those, as in every other channel.
    var old = chat.querySelectorAll('.choices:not(.old)');
    for (var i = 0; i < old.length; i++) {
      old[i].className += ' old';
      var buttons = old[i].querySelectorAll('.choice');
      for (var j = 0; j < buttons.length; j++) { buttons[j].disabled = true; }
    }
  }

  // -- 朗读: the browser reads a message aloud, where it has a Chinese voice -----------------

  function pickVoice() {
    var speech = window.speechSynthesis;
    var voices = speech && speech.getVoices ? speech.getVoices() || [] : [];
    var chinese = Array.prototype.filter.call(voices, function (v) {
      return /^zh([-_]|$)/i.test(v.lang || '') && !/HK|yue/i.test(v.lang || '');
    });
    voice = chinese.filter(function (v) { return /^zh[-_]CN$/i.test(v.lang); })[0] || chinese[0] || null;
    document.body.classList.toggle('can-speak', voice !== null);
  }

  function spokenText(msg) {
    var parts = [msg.text || ''];
    (msg.choices || []).forEach(function (choice, index) {
      parts.push((index + 1) + '，' + String(choice[0]));
    });
    return parts.join('。\n');
  }

  function speak(text) {
    var speech = window.speechSynthesis;
    if (!speech || !voice) { return; }
    speech.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = 'zh-CN';
    utterance.rate = 0.9;
    try { utterance.voice = voice; } catch (e) { /* the lang above still picks a Chinese voice */ }
    speech.speak(utterance);
  }

  function speakButton(msg) {
    var button = el('button', 'speak', labels.speak);
    button.type = 'button';
    button.addEventListener('click', function () { speak(spokenText(msg)); });
    return button;
  }

  // -- 大字模式, remembered on this phone --------------------------------------------------

  function setLarge(on) {
    document.body.classList.toggle('large', on);
    largeSwitch.setAttribute('aria-pressed', on ? 'true' : 'false');
    try { window.localStorage.setItem(LARGE_KEY, on ? '1' : '0'); } catch (e) { /* private mode */ }
  }

  function storedLarge() {
    try { return window.localStorage.getItem(LARGE_KEY) === '1'; } catch (e) { return false; }
  }

  function choiceBlock(choices) {
    var block = el('div', 'choices');
    var allShort = choices.every(function (c) { return String(c[0]).length <= SHORT_LABEL; });
    if (allShort && choices.length > 1) { block.className += ' two'; }
    choices.forEach(function (choice, index) {
      var label = String(choice[0]);
      var button = el('button', 'choice', (index + 1) + '. ' + label);
      button.type = 'button';
      button.addEventListener('click', function () {
        send({ id: newId(), payload: String(choice[1]), label: label }, label);
      });
      block.appendChild(button);
    });
    return block;
  }

  function addMessage(msg) {
    if (msg.id) {
      if (shown[msg.id]) { return null; }
      shown[msg.id] = true;
    }
    var mine = msg.from === 'me';
    var row = el('div', 'row ' + (mine ? 'me' : 'bot'));
    var bubble = el('div', 'bubble');
    if (msg.push) {
      bubble.appendChild(el('span', 'tag', labels.push));
      bubble.appendChild(document.createElement('br'));
    }
    bubble.appendChild(document.createTextNode(msg.text || ''));
    if (isLink(msg.picture)) {
      var img = el('img');
      img.src = msg.picture;
      img.alt = labels.picture;
      bubble.appendChild(img);
    }
    if (isLink(msg.file)) {
      var link = el('a', '', labels.file);
      link.href = msg.file;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      bubble.appendChild(document.createElement('br'));
      bubble.appendChild(link);
    }
    if (!mine && msg.choices && msg.choices.length) {
      retireOldChoices();
      bubble.appendChild(choiceBlock(msg.choices));
    }
    if (!mine) { bubble.appendChild(speakButton(msg)); }
    row.appendChild(bubble);
    chat.appendChild(row);
    return row;
  }

  function addNotice(text) {
    var row = el('div', 'row bot notice');
    row.appendChild(el('div', 'bubble', text));
    chat.appendChild(row);
    scrollDown();
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  async function call(method, url, body) {
    // A lost connection is retried once with the same message id: the server answers it once.
    // So is 401: the session cookie had expired and the answer brought a new one.
    var result = { ok: false, status: 0, data: null };
    for (var attempt = 0; attempt < 2; attempt++) {
      try {
        var res = await fetch(url, {
          method: method,
          credentials: 'same-origin',
          headers: body ? { 'Content-Type': 'application/json' } : {},
          body: body ? JSON.stringify(body) : undefined
        });
        var data = null;
        try { data = await res.json(); } catch (e) { data = null; }
        result = { ok: res.ok, status: res.status, data: data };
        if (res.status !== 401) { return result; }
      } catch (e) {
        await sleep(RETRY_MS);
      }
    }
    return result;
  }

  function showReplies(data) {
    var first = null;
    (data.replies || []).forEach(function (reply) {
      reply.from = 'bot';
      var row = addMessage(reply);
      first = first || row;
    });
    return first;
  }

  function reveal(row) {
    // A long answer is read from its beginning; a short one just sits at the bottom.
    var bottom = chat.scrollHeight - chat.clientHeight;
    chat.scrollTop = row ? Math.min(row.offsetTop - 8, bottom) : bottom;
  }

  async function exchange(url, body, said) {
    if (busy) { return false; }
    setBusy(true);
    var mine = said ? addMessage({ from: 'me', text: said }) : null;
    var typing = el('div', 'row bot typing');
    typing.appendChild(el('div', 'bubble', labels.typing));
    chat.appendChild(typing);
    scrollDown();
    var res = await call('POST', url, body);
    chat.removeChild(typing);
    setBusy(false);
    if (res.ok && res.data) {
      if (mine && res.data.said_id) { shown[res.data.said_id] = true; }
      reveal(showReplies(res.data));
      return true;
    }
    var reason = res.data && res.data.error ? res.data.error : null;
    if (mine) {
      // A message the server refused says why (太长了…); one that never arrived says so.
      mine.className += ' failed';
      mine.firstChild.appendChild(el('span', 'failed-note', reason || labels.failed));
    }
    if (!mine || !reason) { addNotice(reason || labels.network); } else { scrollDown(); }
    return false;
  }

  function send(body, said) {
    return exchange('/api/message', body, said);
  }

  async function loadHistory() {
    var res = await call('GET', '/api/history?after=' + lastId);
    if (!res.ok || !res.data) { return null; }
    var messages = res.data.messages || [];
    messages.forEach(function (msg) {
      addMessage(msg);
      if (msg.id > lastId) { lastId = msg.id; }
    });
    if (messages.length) { scrollDown(); }
    return messages;
  }

  function startParam() {
    var match = /[?&]start=([^&#]*)/.exec(window.location.search);
    if (!match) { return null; }
    var value;
    try { value = decodeURIComponent(match[1]); } catch (e) { return null; }
    return START_RE.test(value) ? value : null;
  }

  async function say(text) {
    box.value = '';
    showLimit();
    var ok = await send({ id: newId(), text: text }, text);
    if (!ok && !box.value) { box.value = text; showLimit(); }
  }

  function showLimit() {
    limitNote.hidden = box.value.length < maxText;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = box.value;
    if (!text.trim() || busy) { return; }
    say(text);
  });
  box.addEventListener('input', showLimit);

  // The bar under the input: its words go as if typed, from any screen.
  Array.prototype.forEach.call(document.querySelectorAll('#bar button'), function (button) {
    button.addEventListener('click', function () {
      var word = button.getAttribute('data-say');
      if (!busy) { send({ id: newId(), text: word }, word); }
    });
  });

  largeSwitch.addEventListener('click', function () {
    setLarge(!document.body.classList.contains('large'));
  });

  function poll() {
    if (!busy && document.visibilityState !== 'hidden') { loadHistory(); }
  }

  async function boot() {
    setLarge(storedLarge());
    pickVoice();
    if (window.speechSynthesis && window.speechSynthesis.addEventListener) {
      window.speechSynthesis.addEventListener('voiceschanged', pickVoice);
    }
    var start = startParam();
    var messages = await loadHistory();
    if (start) {
      if (window.history && window.history.replaceState) {
        // A reload should not open the course again.
        window.history.replaceState(null, '', window.location.pathname);
      }
      await exchange('/api/start', { id: newId(), start: start }, null);
    } else if (!messages || !messages.length) {
      await exchange('/api/start', { id: newId() }, null);
    }
    setInterval(poll, POLL_MS);
    document.addEventListener('visibilitychange', poll);
  }

  boot();
}());
