/* The show-notes pages' only script: seek buttons, chapter highlighting,
   the feed URL copy button and the quotes filter.  No requests, no tracking.
   Everything on the pages is readable without it. */
(function () {
  "use strict";

  var player = document.getElementById("player");

  function seek(seconds, play) {
    if (!player || !isFinite(seconds)) return;
    var apply = function () { player.currentTime = seconds; };
    if (player.readyState > 0) {
      apply();
    } else {
      player.addEventListener("loadedmetadata", apply, { once: true });
      player.preload = "metadata";
      player.load();
      apply();
    }
    if (play) {
      var started = player.play();
      if (started && started.catch) started.catch(function () { /* autoplay refused: stay paused */ });
    }
  }

  if (player) {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-seek]");
      if (!button) return;
      event.preventDefault();
      seek(parseFloat(button.getAttribute("data-seek")), true);
      if (player.scrollIntoView && player.getBoundingClientRect().bottom < 0) {
        player.scrollIntoView({ block: "nearest" });
      }
    });

    // Mark the chapter that is playing.
    var chapters = Array.prototype.slice.call(document.querySelectorAll(".chapters li[data-start]"));
    player.addEventListener("timeupdate", function () {
      var current = null;
      chapters.forEach(function (item) {
        if (parseFloat(item.getAttribute("data-start")) <= player.currentTime + 0.25) current = item;
      });
      chapters.forEach(function (item) {
        if (item === current) item.setAttribute("aria-current", "true");
        else item.removeAttribute("aria-current");
      });
    });

    // Deep links: page#t=90 or #t=01:30 starts there (used by the quotes page).
    var match = /(?:^#|&)t=([0-9:.]+)/.exec(window.location.hash);
    if (match) {
      var seconds = match[1].split(":").reduce(function (total, part) {
        return total * 60 + parseFloat(part);
      }, 0);
      seek(seconds, false);
    }
  }

  // Copy the feed address.
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector(".copy-status");
    if (!field) return;
    button.hidden = false;
    function done(ok) {
      if (status) status.textContent = button.getAttribute(ok ? "data-copied" : "data-copy-failed");
    }
    button.addEventListener("click", function () {
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () {
          done(document.execCommand && document.execCommand("copy"));
        });
      } else {
        done(document.execCommand && document.execCommand("copy"));
      }
    });
  });

  // The quotes page filter.
  var form = document.getElementById("quote-filters");
  var list = document.getElementById("quote-list");
  if (form && list) {
    var items = Array.prototype.slice.call(list.children);
    var count = document.getElementById("quote-count");
    var filter = function () {
      var season = form.elements.season.value;
      var speaker = form.elements.speaker.value;
      var shown = 0;
      items.forEach(function (item) {
        var visible = (!season || item.getAttribute("data-season") === season) &&
          (!speaker || item.getAttribute("data-speaker") === speaker);
        item.hidden = !visible;
        if (visible) shown += 1;
      });
      if (count) {
        count.textContent = form.getAttribute("data-shown")
          .replace("{shown}", shown).replace("{total}", items.length);
      }
    };
    form.addEventListener("change", filter);
    form.addEventListener("reset", function () { window.setTimeout(filter, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
  }
})();
