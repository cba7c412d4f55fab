"""Audit every HTML page of a built site with a real HTML parser (stdlib html.parser).

Reports, one per line, anything that could execute or load from elsewhere:
script elements other than the site's own files, inline script text, on* event
attributes, javascript:/vbscript:/data: URLs in links (data: images allowed),
iframe/object/embed/base/form elements, meta refresh, and absolute URLs in
src/href attributes of resources. Exit 0 when clean, 1 otherwise.
Usage: html_audit.py SITE_DIR
"""
import os
import sys
from html.parser import HTMLParser

RESOURCE_ATTRS = {"src", "href", "data", "action", "formaction", "poster", "srcset"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "form", "frame", "applet"}


class Audit(HTMLParser):
    def __init__(self, path, site):
        super().__init__(convert_charrefs=True)
        self.path, self.site, self.problems = path, site, []
        self.in_script = False

    def problem(self, what):
        self.problems.append(f"{os.path.relpath(self.path, self.site)}:{self.getpos()[0]}: {what}")

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def check(self, tag, attrs):
        a = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problem(f"<{tag}> element")
        if tag == "script":
            src = a.get("src") or ""
            if not src or "://" in src or src.startswith("//") or not src.split("?")[0].endswith(".js") or "assets/" not in src:
                self.problem(f"script that is not one of the site's files: src={src!r}")
            self.in_script = True
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.problem("meta refresh")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problem(f"event handler attribute {name}= on <{tag}>")
            if name == "style" and "url(" in value.lower():
                self.problem("style attribute loading a URL")
            if name in RESOURCE_ATTRS:
                v = value.strip().lower()
                if v.startswith(("javascript:", "vbscript:")):
                    self.problem(f"{name}={value!r} on <{tag}>")
                if v.startswith("data:") and not (tag == "img" and v.startswith("data:image/")):
                    self.problem(f"data URL {name}= on <{tag}>")
                resource = tag in {"script", "img", "link", "source", "video", "audio", "track", "input"}
                if resource and ("://" in v or v.startswith("//")):
                    self.problem(f"external resource {name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problem("inline script text")


def main(site):
    problems = []
    pages = 0
    for root, _, files in os.walk(site):
        for f in sorted(files):
            if f.endswith(".html"):
                path = os.path.join(root, f)
                audit = Audit(path, site)
                with open(path, encoding="utf-8") as fh:
                    audit.feed(fh.read())
                audit.close()
                problems.extend(audit.problems)
                pages += 1
    for p in problems:
        print(p)
    print(f"{pages} pages audited, {len(problems)} problems")
    return 1 if problems or pages == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
