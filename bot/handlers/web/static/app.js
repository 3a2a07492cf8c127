/* The web chat page: plain ES2017, no modules, nothing loaded from elsewhere.
   Everything residents type and the bot says goes in through textContent, never as HTML. */
(function () {
  'use strict';

  var chat = document.getElementById('chat');
  var form = document.getElementById('composer');
  var box = document.getElementById('box');
  var sendButton = document.getElementById('send');
  var labels = document.getElementById('labels').dataset;

  var POLL_MS = 30000;
  var RETRY_MS = 1500;
  var SHORT_LABEL = 4;
  var START_RE = /^course-[A-Za-z0-9_-]{1,40}$/;

  var busy = false;
  var lastId = 0;
  var shown = {};

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
    var buttons = chat.querySelectorAll('.choice');
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = on; }
  }

  function dropOldChoices() {
    // Only the newest buttons stay: a typed number means those, as in every other channel.
    var old = chat.querySelectorAll('.choices');
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
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
      dropOldChoices();
      bubble.appendChild(choiceBlock(msg.choices));
    }
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
    if (mine) {
      mine.className += ' failed';
      mine.firstChild.appendChild(el('span', 'failed-note', labels.failed));
    }
    addNotice(res.data && res.data.error ? res.data.error : labels.network);
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

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var text = box.value;
    if (!text.trim() || busy) { return; }
    box.value = '';
    var ok = await send({ id: newId(), text: text }, text);
    if (!ok && !box.value) { box.value = text; }
  });

  function poll() {
    if (!busy && document.visibilityState !== 'hidden') { loadHistory(); }
  }

  async function boot() {
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
