/* 读给我听: the kiosk's matches page read aloud by the browser's own Chinese voice, on the device itself (no network).
   The button is hidden in the page and shown here only once such a voice is there; voices often arrive late
   (the voiceschanged event), and a browser without one never shows it. The parts read are those marked data-read. */
(function () {
  "use strict";
  var button = document.getElementById("read-aloud");
  var speech = window.speechSynthesis;
  if (!button || !speech || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  var label = button.textContent;
  var voice = null;

  // A Mandarin voice that runs on the device: zh-CN first, then another Chinese one; not Cantonese, not a voice
  // that sends the text to a server.
  function chineseVoice() {
    var voices = speech.getVoices() || [];
    var other = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = (voices[i].lang || "").replace(/_/g, "-").toLowerCase();
      var chinese = lang.indexOf("zh") === 0 || lang.indexOf("cmn") === 0;
      if (!voices[i].localService || !chinese || lang.indexOf("hk") !== -1 || lang.indexOf("yue") !== -1) {
        continue;
      }
      if (lang === "zh-cn" || lang === "cmn-cn" || lang === "zh-hans-cn" || lang === "cmn-hans-cn") {
        return voices[i];
      }
      other = other || voices[i];
    }
    return other;
  }

  function reset() {
    button.textContent = label;
  }

  function update() {
    voice = chineseVoice();
    button.hidden = !voice;
  }

  // Each marked part as one sentence: "1. 平车工" as 第1个, the "·" between facts as a pause.
  function texts() {
    var parts = document.querySelectorAll("[data-read]");
    var found = [];
    for (var i = 0; i < parts.length; i++) {
      var text = (parts[i].innerText || parts[i].textContent || "")
        .replace(/(^|\n)\s*(\d+)\.\s*/g, "$1第$2个，")
        .replace(/\s*[·•]\s*/g, "，")
        .replace(/\s*\n+\s*/g, "。")
        .replace(/\s+/g, " ")
        .trim();
      if (text) {
        found.push(text);
      }
    }
    return found;
  }

  function read() {
    if (speech.speaking || speech.pending) {
      speech.cancel();
      reset();
      return;
    }
    if (!voice) {
      return;
    }
    var parts = texts();
    if (!parts.length) {
      return;
    }
    // One utterance a part: some browsers stop a long one halfway.
    for (var i = 0; i < parts.length; i++) {
      var utterance = new window.SpeechSynthesisUtterance(parts[i]);
      utterance.voice = voice;
      utterance.lang = voice.lang.replace(/_/g, "-");
      utterance.rate = 0.9; // a little slower than usual, for older listeners
      utterance.onerror = reset;
      if (i === parts.length - 1) {
        utterance.onend = reset;
      }
      speech.speak(utterance);
    }
    button.textContent = button.getAttribute("data-stop") || label;
  }

  button.addEventListener("click", read);
  if (typeof speech.addEventListener === "function") {
    speech.addEventListener("voiceschanged", update);
  } else {
    speech.onvoiceschanged = update;
  }
  // The next resident at the kiosk must not hear the last one's matches.
  window.addEventListener("pagehide", function () {
    speech.cancel();
  });
  update();
})();
