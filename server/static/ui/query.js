// The query UI: YASGUI on this server's /sparql, with the named queries as examples.
// Configuration comes from the page (#pob-config, rendered by server/ui.py). Nothing here
// reaches another address: YASGUI's prefix.cc and LOV autocompleters are replaced by one
// that offers our own prefixes, and the endpoint list holds only our endpoint.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("pob-config").textContent);
  var words = config.words;
  var status = document.getElementById("status");

  function say(text) {
    status.textContent = text;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return String(values[key]);
    });
  }

  // Our error bodies are {"error": {"title", "detail", "where": {"line", "column"}}}.
  function problem(text) {
    try {
      var error = JSON.parse(text).error;
      var where = error.where ? " (" + error.where.line + ":" + error.where.column + ")" : "";
      return error.title + ": " + error.detail + where;
    } catch (ignored) {
      return text;
    }
  }

  var Yasqe = Yasgui.Yasqe;
  var prefixList = Object.keys(config.prefixes)
    .sort()
    .map(function (prefix) {
      return prefix + ": <" + config.prefixes[prefix] + ">";
    });
  // Same behaviour as YASQE's "prefixes" completer, but the list is ours, not prefix.cc's.
  Yasqe.forkAutocompleter(
    "prefixes",
    {
      name: "pob-prefixes",
      persistenceId: null,
      get: function () {
        return Promise.resolve(prefixList);
      },
    },
    false
  );
  // "property" and "class" ask lov.linkeddata.es; "prefixes" asks prefix.cc.
  var completers = ["pob-prefixes", "variables"];
  Yasqe.defaults.autocompleters = completers.slice();
  Yasgui.defaults.yasqe.autocompleters = completers.slice();
  Yasqe.defaults.prefixCcApi = "";

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    tabName: words.tab_name,
    persistenceId: "pob-query-ui",
    populateFromUrl: false,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: config.endpoint }];
      },
      keys: [],
    },
    yasqe: { value: config.defaultQuery, autocompleters: completers.slice() },
    yasr: { prefixes: config.prefixes },
  });

  function currentTab() {
    var tab = yasgui.getTab();
    if (tab.getEndpoint() !== config.endpoint) {
      tab.setEndpoint(config.endpoint);
    }
    return tab;
  }
  currentTab();

  // YASGUI has no Danish: swap its own English words (config.yasgui, from the `yasgui`
  // words) in texts, titles, placeholders and labels; and send result IRIs within our base
  // to their local pages (same tab), not to the canonical address.
  var translation = config.yasgui || {};
  var holder = document.getElementById("yasgui");
  function localise(root) {
    // YASGUI puts its "+" button inside the tab list, which may hold only tabs: the page
    // offers its own "new tab" button (#new-tab) and hides this one from keyboard and
    // screen readers (YASGUI still needs it in place)
    Array.prototype.forEach.call(holder.querySelectorAll(".tabsList button.addTab"), function (add) {
      add.setAttribute("tabindex", "-1");
      add.parentNode.setAttribute("aria-hidden", "true");
    });
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue.trim();
      if (text && Object.prototype.hasOwnProperty.call(translation, text)) {
        node.nodeValue = node.nodeValue.replace(text, translation[text]);
      }
    }
    // YASGUI's endpoint field has a placeholder but no label
    Array.prototype.forEach.call(holder.querySelectorAll("input.autocomplete:not([aria-label])"), function (input) {
      input.setAttribute("aria-label", input.getAttribute("placeholder") || config.endpoint);
    });
    var elements = root.querySelectorAll ? root.querySelectorAll("[title], [placeholder], [aria-label], a[href]") : [];
    Array.prototype.forEach.call(elements, function (el) {
      ["title", "placeholder", "aria-label"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value && Object.prototype.hasOwnProperty.call(translation, value.trim())) {
          el.setAttribute(name, translation[value.trim()]);
        }
      });
      var href = el.getAttribute("href");
      if (el.tagName === "A" && href && config.base && href.indexOf(config.base) === 0) {
        el.setAttribute("href", "/" + href.slice(config.base.length));
        el.removeAttribute("target");
      }
    });
  }
  localise(holder);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      if (change.type === "attributes" || change.type === "characterData") {
        var target = change.target.nodeType === 1 ? change.target : change.target.parentNode;
        if (target && target.parentNode) { localise(target.parentNode); }
        return;
      }
      Array.prototype.forEach.call(change.addedNodes, function (added) {
        if (added.nodeType === 1) { localise(added); }
        else if (added.nodeType === 3 && added.parentNode) { localise(added.parentNode); }
      });
    });
  }).observe(holder, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ["title", "placeholder", "aria-label", "href"]
  });

  // The editor must not trap focus: Tab and Shift+Tab move on (Ctrl+Space, Ctrl+Enter stay),
  // and the page does not start with focus inside it.
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
  function moveFocus(editor, step) {
    var wrapper = editor.getWrapperElement();
    var all = Array.prototype.filter.call(document.querySelectorAll(FOCUSABLE), function (el) {
      return el.offsetParent !== null && !wrapper.contains(el);
    });
    var after = all.filter(function (el) {
      var position = wrapper.compareDocumentPosition(el);
      return step > 0 ? position & Node.DOCUMENT_POSITION_FOLLOWING : position & Node.DOCUMENT_POSITION_PRECEDING;
    });
    var target = step > 0 ? after[0] : after[after.length - 1];
    if (target) { target.focus(); }
  }
  function release(tab) {
    var yasqe = tab && tab.getYasqe && tab.getYasqe();
    if (!yasqe) { return; }
    var keys = Object.assign({}, yasqe.getOption("extraKeys") || {}, {
      Tab: function (editor) { moveFocus(editor, 1); },
      "Shift-Tab": function (editor) { moveFocus(editor, -1); }
    });
    yasqe.setOption("extraKeys", keys);
    yasqe.getInputField().setAttribute("aria-label", config.words.editor_label);
  }
  release(yasgui.getTab());
  yasgui.on("tabSelect", function (_instance, id) {
    window.setTimeout(function () { release(yasgui.getTab(id)); }, 0);
  });
  yasgui.on("tabAdd", function (_instance, id) {
    window.setTimeout(function () { release(yasgui.getTab(id)); }, 0);
  });
  if (holder.contains(document.activeElement)) { document.activeElement.blur(); }

  // `/?query=…` (a link from another page): the query goes into a tab of its own, not run
  if (config.linkedQuery) {
    var linkedTab = yasgui.addTab(true, { name: words.tab_name });
    linkedTab.setEndpoint(config.endpoint);
    linkedTab.setQuery(config.linkedQuery);
    say(words.linked);
  }

  var newTab = document.getElementById("new-tab");
  if (newTab) {
    newTab.addEventListener("click", function () {
      var tab = yasgui.addTab(true, { name: words.tab_name });
      tab.setEndpoint(config.endpoint);
    });
  }

  yasgui.on("query", function () {
    say(words.running);
  });
  function report(tab) {
    var results = tab.getYasr().results;
    if (!results) {
      say(words.done);
      return;
    }
    var error = results.getError && results.getError();
    if (error) {
      say(fill(words.failed, { message: problem(error.text) || error.statusText || error.status }));
      return;
    }
    var bindings = results.getBindings && results.getBindings();
    say(bindings ? fill(words.done_rows, { n: bindings.length }) : words.done);
  }
  // YASGUI tells "queryResponse" before YASR has read the response: report right after.
  yasgui.on("queryResponse", function (_instance, tab) {
    window.setTimeout(function () {
      report(tab);
    }, 0);
  });

  var form = document.getElementById("examples");
  if (!form) {
    return;
  }
  var select = document.getElementById("example");
  var description = document.getElementById("example-description");
  var byName = {};
  config.examples.forEach(function (example) {
    byName[example.name] = example;
  });

  select.addEventListener("change", function () {
    var example = byName[select.value];
    description.textContent = example ? example.description : "";
  });

  function load(run) {
    var example = byName[select.value];
    if (!example) {
      return Promise.resolve();
    }
    var url = example.sparql + (example.lang_param ? "?lang=" + encodeURIComponent(config.lang) : "");
    say(words.loading);
    return fetch(url, { headers: { Accept: "application/sparql-query" } })
      .then(function (response) {
        return response.text().then(function (text) {
          if (!response.ok) {
            throw new Error(problem(text));
          }
          return text;
        });
      })
      .then(function (text) {
        var tab = currentTab();
        tab.setQuery(text);
        tab.setName(example.title);
        say(words.loaded);
        if (run) {
          return tab.query();
        }
        tab.getYasqe().focus();
        return undefined;
      })
      .catch(function (error) {
        say(fill(words.failed, { message: error.message }));
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(false);
  });
  document.getElementById("run-example").addEventListener("click", function () {
    load(true);
  });
})();
