"""HTML show notes turned into Markdown, links kept.

Hosts write show notes as HTML (in CDATA or entity-escaped; the feed parser has
already undone both).  This walks the HTML tree (lxml) and writes the Markdown the
catalog's ``description:`` takes: paragraphs, line breaks, **bold**, *italic*,
`code`, links, images as links, lists (nested, numbered), headings, quotes and
rules.  Anything else keeps its text.  Plain text (no tags) stays as it is.
"""

from __future__ import annotations

import re
from html import unescape

from lxml import etree, html

BLOCKS = {"p", "div", "section", "article", "header", "footer", "figure", "figcaption", "table"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
SKIPPED = {"script", "style", "head", "title", "iframe", "noscript"}
_ESCAPE = re.compile(r"([\\`*_\[\]])")
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _inline(node) -> str:
    """The Markdown of ``node``'s content (text and inline children)."""
    parts = [_escape(node.text or "")]
    for child in node:
        parts.append(_element(child))
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _squash(text: str) -> str:
    return re.sub(r"[ \t\r\n\xa0]+", " ", text)


def _wrap(marker: str, inner: str) -> str:
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _list(node, ordered: bool, depth: int) -> str:
    lines = []
    number = 1
    for child in node:
        if not isinstance(child.tag, str) or child.tag != "li":
            continue
        marker = f"{number}." if ordered else "-"
        number += 1
        nested = [c for c in child if isinstance(c.tag, str) and c.tag in {"ul", "ol"}]
        parts = [_escape(child.text or "")]
        for inner in child:
            if inner not in nested:
                parts.append(_element(inner))
            parts.append(_escape(inner.tail or ""))
        text = _squash("".join(parts)).strip()
        lines.append("  " * depth + f"{marker} {text}")
        for sub in nested:
            lines.append(_list(sub, sub.tag == "ol", depth + 1).rstrip("\n"))
    return "\n".join(lines) + "\n\n"


def _element(node) -> str:
    if not isinstance(node.tag, str):
        return ""  # comments
    tag = node.tag.lower()
    if tag in SKIPPED:
        return ""
    if tag == "br":
        return "  \n"
    if tag in {"strong", "b"}:
        return _wrap("**", _inline(node))
    if tag in {"em", "i"}:
        return _wrap("*", _inline(node))
    if tag == "code":
        return f"`{node.text_content()}`"
    if tag == "a":
        text = _inline(node).strip()
        href = (node.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#")):
            return text
        return f"[{text or href}]({href.replace(' ', '%20').replace(')', '%29')})"
    if tag == "img":
        src = (node.get("src") or "").strip()
        alt = _escape((node.get("alt") or "").strip())
        return f"[{alt or 'Bild'}]({src})" if src else ""
    if tag in HEADINGS:
        return "\n\n" + "#" * HEADINGS[tag] + " " + _squash(_inline(node)).strip() + "\n\n"
    if tag in {"ul", "ol"}:
        return "\n\n" + _list(node, tag == "ol", 0)
    if tag == "blockquote":
        inner = _blocks(node).strip()
        return (
            "\n\n"
            + "\n".join("> " + line if line else ">" for line in inner.split("\n"))
            + ("\n\n")
        )
    if tag == "pre":
        return "\n\n```\n" + node.text_content().strip("\n") + "\n```\n\n"
    if tag == "hr":
        return "\n\n---\n\n"
    if tag in {"tr"}:
        return "\n" + " | ".join(_squash(c.text_content()).strip() for c in node) + "\n"
    if tag in BLOCKS or tag in {"li", "body", "html"}:
        return "\n\n" + _inline(node) + "\n\n"
    return _inline(node)


def _blocks(node) -> str:
    text = _inline(node)
    lines = []
    for paragraph in re.split(r"\n{2,}", text):
        kept = []
        for line in paragraph.split("\n"):
            is_markup = line.startswith(("  ", "- ", "> ", "```", "#")) or re.match(r"\d+\. ", line)
            hard_break = line.endswith("  ")
            line = line if is_markup else _squash(line).strip()
            if hard_break and not line.endswith("  "):
                line += "  "
            kept.append(line)
        block = "\n".join(kept).strip("\n")
        if block.strip():
            lines.append(block.rstrip() if not block.endswith("  ") else block[:-2].rstrip())
    return "\n\n".join(lines)


def to_markdown(source: str) -> str:
    """Markdown of the HTML ``source``; text without tags comes back with tidied spacing."""
    source = source.strip()
    if not source:
        return ""
    if not _TAG.search(source):
        return "\n\n".join(
            " ".join(p.split()) for p in re.split(r"\n\s*\n", html_unescape(source)) if p.strip()
        )
    try:
        fragment = html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(source.split())
    return _blocks(fragment).replace("  \n", "\\\n")  # hard breaks as CommonMark's "\\"


def to_text(source: str) -> str:
    """The plain text of HTML (or text): tags dropped, whitespace squashed to single spaces."""
    source = source.strip()
    if not source:
        return ""
    if not _TAG.search(source):
        return " ".join(html_unescape(source).split())
    try:
        fragment = html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(source.split())
    for br in fragment.iter("br", "p", "li", "div"):
        br.tail = " " + (br.tail or "")
    return " ".join(fragment.text_content().split())


def html_unescape(text: str) -> str:
    """Entities left in text that was escaped twice (``&amp;amp;``, ``&amp;nbsp;``)."""
    return unescape(text).replace("\xa0", " ")


_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


def to_paragraphs(source: str) -> str:
    """Plain text in paragraphs (for fields shown as text): links as "text (url)"."""
    text = to_markdown(source)
    text = _LINK.sub(
        lambda m: m.group(2) if m.group(1) in {"", m.group(2)} else f"{m.group(1)} ({m.group(2)})",
        text,
    )
    text = re.sub(r"\*\*(.+?)\*\*|\*(.+?)\*", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"^#+ ", "", text, flags=re.M).replace("\\\n", "\n")
    return re.sub(r"\\([\\`*_\[\]])", r"\1", text)
