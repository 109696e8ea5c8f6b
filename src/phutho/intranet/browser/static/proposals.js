/* Proposals on the add form of an incoming document (issue 15).
 *
 * When the clerk picks the main file in ++add++IncomingDocument, the file
 * is sent to POST <agency>/@proposals, and the fields it reads (number and
 * symbol, date, issuing agency, type, subject, signer, recipients) fill
 * the EMPTY fields of the form, each marked "proposed" until the clerk
 * touches it. Nothing is saved here: the clerk checks, corrects and saves.
 * A scan has no text to read before OCR: the form says so.
 *
 * The page carries #phutho-proposals (rendered by the reading viewlet with
 * the endpoint and the translated messages); without it this does nothing.
 * The CSRF token is plone.protect's, from #protect-script[data-token].
 */
(function () {
  "use strict";

  // Field read from the file -> name of the form's widget.
  var WIDGETS = {
    title: "form.widgets.title",
    sender_name: "form.widgets.sender_name",
    sender_organ_id: "form.widgets.sender_organ_id",
    number_symbol: "form.widgets.number_symbol",
    document_date: "form.widgets.document_date",
    document_type: "form.widgets.document_type:list",
    signer_authority: "form.widgets.signer_authority:list",
    signer_position: "form.widgets.signer_position",
    signer_name: "form.widgets.signer_name",
    recipients: "form.widgets.recipients",
    place: "form.widgets.IIncomingElectronicMetadata.promulgation_place",
  };
  var NO_VALUE = "--NOVALUE--";

  function token() {
    var script = document.getElementById("protect-script");
    return script ? script.getAttribute("data-token") || "" : "";
  }

  function isEmpty(element) {
    if (element.tagName === "SELECT") {
      return !element.value || element.value === NO_VALUE;
    }
    return !element.value.trim();
  }

  function fieldWrapper(element) {
    return element.closest(".field") || element.parentNode;
  }

  function unmark(element) {
    var wrapper = fieldWrapper(element);
    wrapper.classList.remove("phutho-proposed");
    element.classList.remove("phutho-proposed-input");
    var badge = wrapper.querySelector(".phutho-proposed-badge");
    if (badge) {
      badge.remove();
    }
  }

  function mark(element, label) {
    var wrapper = fieldWrapper(element);
    wrapper.classList.add("phutho-proposed");
    element.classList.add("phutho-proposed-input");
    if (!wrapper.querySelector(".phutho-proposed-badge")) {
      var badge = document.createElement("span");
      badge.className = "badge bg-warning text-dark phutho-proposed-badge";
      badge.textContent = label;
      var where = wrapper.querySelector("label") || wrapper;
      where.appendChild(document.createTextNode(" "));
      where.appendChild(badge);
    }
    // The clerk's own change confirms or corrects it: no longer a guess.
    var confirm = function () {
      unmark(element);
      element.removeEventListener("input", confirm);
      element.removeEventListener("change", confirm);
    };
    element.addEventListener("input", confirm);
    element.addEventListener("change", confirm);
  }

  function setValue(element, value) {
    if (element.tagName === "SELECT") {
      var found = Array.prototype.some.call(element.options, function (option) {
        return option.value === value;
      });
      if (!found) {
        return false;
      }
    }
    element.value = Array.isArray(value) ? value.join("\n") : String(value);
    return true;
  }

  function fill(form, fields, label) {
    var filled = [];
    Object.keys(WIDGETS).forEach(function (name) {
      var value = fields[name];
      if (value === undefined || value === null || value === "") {
        return;
      }
      var element = form.elements.namedItem(WIDGETS[name]);
      if (!element || element.length !== undefined && !element.tagName) {
        return;
      }
      if (!isEmpty(element) || !setValue(element, value)) {
        return;
      }
      // Tell the form's own scripts (validation, the unload alert), then
      // mark it: the clerk's changes come after.
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
      mark(element, label);
      filled.push(name);
    });
    return filled;
  }

  function say(status, text, kind) {
    status.textContent = text;
    status.className = "phutho-proposals-status form-text " + (kind || "");
  }

  function readBase64(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var url = String(reader.result);
        resolve(url.slice(url.indexOf(",") + 1));
      };
      reader.onerror = function () {
        reject(reader.error);
      };
      reader.readAsDataURL(file);
    });
  }

  function propose(config, form, input, status) {
    var file = input.files && input.files[0];
    if (!file) {
      say(status, "");
      return;
    }
    if (file.size > Number(config.getAttribute("data-max-bytes"))) {
      say(status, config.getAttribute("data-too-large"), "text-danger");
      return;
    }
    say(status, config.getAttribute("data-reading"), "text-muted");
    form.setAttribute("data-proposals", "reading");
    readBase64(file)
      .then(function (data) {
        return fetch(config.getAttribute("data-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: {
            Accept: "application/json",
            "Content-Type": "application/json",
            "X-CSRF-TOKEN": token(),
          },
          body: JSON.stringify({
            file: {
              data: data,
              filename: file.name,
              "content-type": file.type || "application/octet-stream",
            },
          }),
        });
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (body) {
        var filled = fill(form, body.fields || {}, config.getAttribute("data-proposed"));
        if (body.ocr_needed) {
          say(status, config.getAttribute("data-ocr-needed"), "text-info");
        } else if (filled.length) {
          say(
            status,
            config.getAttribute("data-filled").replace("{count}", filled.length),
            "text-warning-emphasis"
          );
        } else {
          say(status, config.getAttribute("data-none"), "text-muted");
        }
        form.setAttribute("data-proposals", body.ocr_needed ? "ocr_needed" : "done");
      })
      .catch(function () {
        say(status, config.getAttribute("data-failed"), "text-danger");
        form.setAttribute("data-proposals", "failed");
      });
  }

  function init() {
    var config = document.getElementById("phutho-proposals");
    if (!config) {
      return;
    }
    var input = document.querySelector(
      'form#form input[type="file"][name="form.widgets.main_file"]'
    );
    if (!input) {
      return;
    }
    var form = input.form;
    var status = document.createElement("div");
    status.className = "phutho-proposals-status form-text";
    status.id = "phutho-proposals-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(status);
    var hint = document.createElement("div");
    hint.className = "form-text";
    hint.textContent = config.getAttribute("data-hint");
    input.parentNode.insertBefore(hint, status);
    input.addEventListener("change", function () {
      propose(config, form, input, status);
    });
    form.setAttribute("data-proposals", "ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
