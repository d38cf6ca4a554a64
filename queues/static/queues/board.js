// The display board: polls its fragment with If-None-Match (a 304 while nothing changed),
// swaps it in, and on a new call plays a chime and says "Mời số 1024 đến quầy 3".
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var url = board.dataset.pollUrl;
  var every = parseInt(board.dataset.pollMs, 10) || 1500;
  var etag = null;
  var sound = false;
  var soundButton = document.getElementById("board-sound");

  function currentKey() {
    var node = board.querySelector("[data-announce-key]");
    return node ? node.dataset.announceKey : "";
  }
  var lastKey = currentKey();

  function chime() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    var context = new Context();
    [660, 880].forEach(function (frequency, index) {
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      gain.connect(context.destination);
      var start = context.currentTime + index * 0.35;
      gain.gain.setValueAtTime(0.25, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.6);
      oscillator.start(start);
      oscillator.stop(start + 0.6);
    });
  }

  function speak(number, counter) {
    if (!("speechSynthesis" in window)) { return; }
    var utterance = new SpeechSynthesisUtterance("Mời số " + number + " đến quầy " + counter);
    utterance.lang = "vi-VN";
    var voice = window.speechSynthesis.getVoices().find(function (v) {
      return v.lang && v.lang.toLowerCase().indexOf("vi") === 0;
    });
    if (voice) { utterance.voice = voice; }
    window.setTimeout(function () { window.speechSynthesis.speak(utterance); }, 800);
  }

  function announce() {
    var node = board.querySelector("[data-announce-key]");
    if (!node) { return; }
    board.dataset.announced = node.dataset.announceNumber + "@" + node.dataset.announceCounter;
    if (!sound) { return; }
    chime();
    speak(node.dataset.announceNumber, node.dataset.announceCounter);
  }

  function poll() {
    var headers = {"X-Requested-With": "fetch"};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, {headers: headers, cache: "no-store", credentials: "same-origin"})
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { return null; }
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) {
        if (html === null || html === undefined) { return; }
        board.innerHTML = html;
        var key = currentKey();
        if (key && key !== lastKey) { lastKey = key; announce(); }
      })
      .catch(function () { /* the network blinked: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, every); });
  }

  if (soundButton) {
    soundButton.addEventListener("click", function () {
      sound = true;
      soundButton.setAttribute("aria-pressed", "true");
      soundButton.textContent = soundButton.dataset.on;
      chime();
    });
  }
  window.setTimeout(poll, every);
})();
