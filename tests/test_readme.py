"""The README and docs/ stay honest: the commands they show run, and their links land.

Every `logwatch ...` and `python -m ...` command shown in a code block of README.md or
docs/*.md is run with `--help` (the installed entry point, a real subprocess), and each
option the command uses must appear in that help. Every relative link and image points to a
file inside the repository, and an anchor to a heading of the page it names.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
BIN = Path(sys.executable).parent

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
COMMAND = re.compile(r"^(?:\$ )?(logwatch|python -m)\s")
SEPARATORS = {"|", "&&", "||", ";"}


def code_blocks(text: str) -> list[str]:
    """The bodies of the fenced code blocks of a Markdown text."""
    return [block.split("\n", 1)[1].rsplit("```", 1)[0] for block in FENCE.findall(text)]


def shown_commands(text: str) -> list[list[str]]:
    """The `logwatch`/`python -m` commands in the code blocks, each as its tokens.

    A line ending in a backslash, and indented lines right after a command (a synopsis
    going on), continue it. Tokens stop at a pipe or `&&` outside brackets, so a command
    piped into another is checked only up to the pipe.
    """
    commands: list[list[str]] = []
    for block in code_blocks(text):
        current: str | None = None
        for line in block.splitlines():
            if current is not None and (current.endswith("\\") or line[:1].isspace()):
                current = current.rstrip("\\") + " " + line.strip()
                continue
            if current is not None:
                commands.append(_tokens(current))
            match = COMMAND.match(line)
            current = line[match.start(1):] if match else None
        if current is not None:
            commands.append(_tokens(current))
    return commands


def _tokens(line: str) -> list[str]:
    tokens, depth = [], 0
    for token in shlex.split(line, comments=True):
        if token in SEPARATORS and depth == 0:
            break
        depth += token.count("[") - token.count("]")
        tokens.append(token)
    return tokens


def command_key(tokens: list[str]) -> tuple[str, ...]:
    """("logwatch", subcommand) or ("python", "-m", module): what `--help` is asked of."""
    if tokens[0] == "python":
        return ("python", "-m", tokens[2])
    if len(tokens) > 1 and not tokens[1].startswith("-"):
        return ("logwatch", tokens[1])
    return ("logwatch",)


def options(tokens: list[str]) -> set[str]:
    """The long options a command uses (`[--out DIR]` gives `--out`, `--x=1` gives `--x`)."""
    found = set()
    for token in tokens:
        token = token.strip("[]")
        if token.startswith("--"):
            found.add(token.split("=", 1)[0])
    return found


def argv(key: tuple[str, ...]) -> list[str]:
    if key[0] == "python":
        return [sys.executable, "-m", key[2], "--help"]
    return [str(BIN / "logwatch"), *key[1:], "--help"]


def all_commands() -> dict[tuple[str, ...], list[tuple[str, list[str]]]]:
    by_key: dict[tuple[str, ...], list[tuple[str, list[str]]]] = {}
    for page in PAGES:
        for tokens in shown_commands(page.read_text(encoding="utf-8")):
            by_key.setdefault(command_key(tokens), []).append((page.name, tokens))
    return by_key


COMMANDS = all_commands()


def test_the_readme_shows_the_main_commands():
    shown = {command_key(t) for t in shown_commands(README.read_text(encoding="utf-8"))}
    for key in [("logwatch", "tui"), ("logwatch", "train"), ("logwatch", "generate")]:
        assert key in shown, f"README.md shows no `{' '.join(key)}` command in a code block"


@pytest.mark.parametrize("key", sorted(COMMANDS), ids=" ".join)
def test_shown_command_runs_with_help(key):
    done = subprocess.run(argv(key), cwd=ROOT, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{' '.join(key)} --help exited {done.returncode}:\n{done.stderr}"
    for page, tokens in COMMANDS[key]:
        for option in sorted(options(tokens)):
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", done.stdout), (
                f"{page} shows `{shlex.join(tokens)}`, but `{' '.join(key)} --help` has no {option}")


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M):
        slug = github_slug(heading)
        found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return found


def links(page: Path) -> list[str]:
    text = INLINE_CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return [target for target in LINK.findall(text)
            if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_land(page):
    for target in links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.is_relative_to(ROOT), f"{page.name}: {target} leaves the repository"
        assert file.exists(), f"{page.name}: {target} points to a missing file"
        if anchor:
            assert file.suffix == ".md", f"{page.name}: {target}: an anchor into a non-Markdown file"
            assert anchor in anchors(file), (
                f"{page.name}: {target}: {file.name} has no heading with the anchor #{anchor}")


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in links(README)}
    assert DOCS, "docs/ has no pages"
    unlinked = [p.name for p in DOCS if p.resolve() not in linked]
    assert not unlinked, f"README.md links to no docs/{unlinked}"


def test_github_slug():
    assert github_slug("The monitor (`tui:` rows)") == "the-monitor-tui-rows"
    assert github_slug("How the threshold is calibrated") == "how-the-threshold-is-calibrated"
