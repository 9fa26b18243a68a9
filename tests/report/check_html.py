#!/usr/bin/env python3
"""Checks that an HTML file is well-formed enough for browsers to agree on it.

Every non-void element is closed in order, the SVG elements are balanced too,
the document has no <script>, no external resources (src/href to http:,
https:, //) and contains the sections and elements given on the command
line. Exits 0 when fine, 1 with a message otherwise. Used by the report tests.
Usage: check_html.py FILE [required-tag-or-#id ...]
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags, self.ids = [], [], {}, set()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)
            if name in ("src", "href") and value and value.split(":")[0] in ("http", "https") or (
                    name in ("src", "href") and value and value.startswith("//")):
                self.errors.append(f"external resource {name}={value!r}")
        if tag == "script":
            self.errors.append("contains <script>")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.errors.append(f"</{tag}> at {self.getpos()} closes nothing")
            return
        open_tag, pos = self.stack.pop()
        if open_tag != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} closes <{open_tag}> opened at {pos}")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    checker = Checker()
    checker.feed(text)
    checker.close()
    errors = checker.errors
    errors += [f"<{tag}> opened at {pos} is never closed" for tag, pos in checker.stack]
    if not text.lstrip().lower().startswith("<!doctype html>"):
        errors.append("no <!DOCTYPE html>")
    for want in sys.argv[2:]:
        if want.startswith("#"):
            if want[1:] not in checker.ids:
                errors.append(f"no element with id {want[1:]!r}")
        elif checker.tags.get(want, 0) == 0:
            errors.append(f"no <{want}> element")
    for e in errors[:20]:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
