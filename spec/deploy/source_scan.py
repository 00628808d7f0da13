"""Reads the project's Swift and C sources the way the deploy checks need:
code without comments (and, for Swift, without string literals), and the
string literals of a C file."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = ROOT / "Sources"


def split_code(text, keep_strings=False):
    """Returns (code, strings): the text with comments and string literals
    blanked out, and the contents of the string literals in order.
    Understands //, /* */, "..." with escapes, '...' (C chars) and Swift's
    multi-line \"\"\" strings; good enough for this project's sources.
    With keep_strings, string literals stay in the code (comments still go)."""
    code, strings = [], []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            code.append(" ")
        elif text.startswith('"""', i):
            end = text.find('"""', i + 3)
            end = n if end < 0 else end
            strings.append(text[i + 3:end])
            i = end + 3
            code.append('""')
        elif text[i] in "\"'":
            quote, j, literal = text[i], i + 1, []
            while j < n and text[j] != quote and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n:
                    literal.append(text[j:j + 2])
                    j += 2
                else:
                    literal.append(text[j])
                    j += 1
            if quote == '"':
                strings.append("".join(literal))
            code.append(text[i:j + 1] if keep_strings else '""')
            i = j + 1
        else:
            code.append(text[i])
            i += 1
    return "".join(code), strings


def source_files(*suffixes):
    return sorted(p for p in SOURCES.rglob("*") if p.suffix in suffixes and p.is_file())


def code_identifiers(pattern):
    """Identifiers matching `pattern` in the code (not comments, not strings)
    of every Swift and C file under Sources/, as {identifier: [files]}."""
    regex = re.compile(r"(?<![A-Za-z0-9_])(?:" + pattern + r")(?![A-Za-z0-9_])")
    found = {}
    for path in source_files(".swift", ".c", ".h"):
        code, _ = split_code(path.read_text(encoding="utf-8"))
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("#include", "#import")))
        for name in regex.findall(code):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def string_literals(path):
    _, strings = split_code((ROOT / path).read_text(encoding="utf-8"))
    return strings
