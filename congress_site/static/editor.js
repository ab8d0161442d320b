/* Rich-text fields: TinyMCE on every textarea.richtext. Without JavaScript the form works
   as before (the textarea is posted as typed). The page gives the configuration
   (#editor-config): language, the lists of the site's content and images, the tags the
   server keeps, the message for an image without alternative text. The server decides
   what is stored: it refuses images without alternative text and sanitises the rest. */
(function () {
  "use strict";
  var source = document.getElementById("editor-config");
  if (!source || !window.tinymce || !document.querySelector("textarea.richtext")) return;
  var config = JSON.parse(source.textContent);

  function missingAlt(editor) {
    var images = editor.getBody().querySelectorAll("img");
    for (var i = 0; i < images.length; i++) {
      if (!(images[i].getAttribute("alt") || "").trim()) return images[i];
    }
    return null;
  }

  function showError(editor, message) {
    var id = editor.id + "-alt-error";
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("p");
      box.id = id;
      box.className = "error editor-error";
      box.setAttribute("role", "alert");
      editor.getContainer().insertAdjacentElement("afterend", box);
    }
    box.textContent = message;
  }

  window.tinymce.init({
    selector: "textarea.richtext",
    license_key: "gpl",
    base_url: config.base_url,
    suffix: ".min",
    language: config.language || undefined,
    language_url: config.language_url || undefined,
    menubar: false,
    promotion: false,
    branding: false,
    elementpath: false,
    plugins: "autolink link image lists table code",
    toolbar: "undo redo | blocks | bold italic | bullist numlist | link image table | code",
    block_formats: "Paragraph=p; Heading 2=h2; Heading 3=h3; Heading 4=h4",
    // Site addresses without the host ("/about/logo/@@download"), as the sanitiser keeps them.
    relative_urls: false,
    remove_script_host: true,
    link_list: config.links_url,
    image_list: config.images_url,
    image_description: true,
    valid_elements: config.valid_elements,
    setup: function (editor) {
      // Say it before the server does: an image needs its alternative text.
      editor.on("init", function () {
        var form = editor.getElement().form;
        if (!form) return;
        form.addEventListener("submit", function (event) {
          var image = missingAlt(editor);
          if (!image) return;
          event.preventDefault();
          showError(editor, config.alt_missing);
          editor.focus();
          editor.selection.select(image);
        });
      });
    },
  });
})();
