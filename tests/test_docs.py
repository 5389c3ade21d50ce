"""The training docs in ``docs/`` cannot rot: every command, snippet, quoted message, link and figure is checked.

A trainer follows the docs alone, on a Windows laptop, often offline; a command that changed its options or a
message that no longer exists would strand them in a meeting room. The conventions (also listed for authors in
``docs/README.md``, section "Dla autorów dokumentacji"):

- ```` ```bash ```` blocks run line by line, in document order, in one fresh working folder per document that
  mirrors the kit's folder (a copy of ``data/``), with the kit's ``pzk`` on PATH. Exit code 0 is expected unless
  the line ends with ``# kod wyjścia: N``. ``pzk app`` and
  ``pzk lab`` are servers: they are started without a browser on a free port, polled until they answer, then
  stopped.
- ```` ```powershell ```` blocks are for Windows only. Their ``pzk`` lines (also ``.venv\\Scripts\\pzk``) run like
  bash lines; ``pip`` lines are parsed by pip's own option parser; the few other commands (``py -m venv``,
  ``cd``…) must be on a short list of known forms, so a new kind of command makes this test ask for a check.
- ```` ```python ```` blocks run in a fresh namespace in the same working folder.
- A ```` ```text ```` block right after an executed block lists lines its output must contain (``…`` skips).
- ``<!-- sprawdź: wyrażenie -->`` next to a figure quoted in prose is evaluated against the example gmina.
- Quoted kit messages (``> BŁĄD: …``, ``> OSTRZEŻENIE: …``, ``> INFORMACJA: …``) must be produced by the kit on some
  input (the broken corpus or small inputs built here); ``…`` in a quote stands for any text.
- ``zeszyt 01 › „Nagłówek”`` must name a real section heading of that notebook.
- Inline ``pzk …`` commands must parse with the real CLI parser; inline ``make …`` targets must exist.
- Every relative link and ``#kotwica`` resolves; ``docs/README.md`` links every document.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
CORPUS = ROOT / "tests" / "data" / "broken"
BIN = Path(sys.executable).parent
DOC_FILES = sorted(DOCS.glob("*.md"))
EXECUTED = {"bash", "powershell", "python"}
KNOWN_INFO = EXECUTED | {"text"}
SERVER_COMMANDS = {"app", "lab"}
SLOW_COMMANDS = {"demo", "run", "batch", *SERVER_COMMANDS}
COMMAND_TIMEOUT = 900
SERVER_TIMEOUT = 180
EXIT_MARK = re.compile(r"\s+#\s*kod wyjścia:\s*(\d+)\s*$")
CHECK_MARK = re.compile(r"<!--\s*sprawdź:\s*(.+?)\s*-->", re.S)
QUOTE = re.compile(r"^>\s*((?:BŁĄD|OSTRZEŻENIE|INFORMACJA):.*\S)\s*$", re.M)
SECTION_REF = re.compile(r"zeszyt\s+(0[1-3])\s+›\s+„([^”]+)”")
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


# -- reading the documents ---------------------------------------------------------------------------------------


@dataclass
class Block:
    info: str
    code: str
    line: int  # 1-based line of the opening fence
    end: int  # 1-based line of the closing fence
    expected: Block | None = None  # the ```text block that follows, when there is one


@dataclass
class Doc:
    path: Path
    text: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def prose(self) -> str:
        """The text without fenced blocks: inline commands and links are looked for here."""
        lines = self.text.splitlines()
        inside = set()
        for block in self.blocks:
            inside.update(range(block.line - 1, block.end))
        return "\n".join("" if i in inside else line for i, line in enumerate(lines))


def parse_doc(path: Path, text: str | None = None) -> Doc:
    doc = Doc(path, path.read_text(encoding="utf-8") if text is None else text)
    lines = doc.text.splitlines()
    i = 0
    while i < len(lines):
        opening = re.match(r"^(\s*)```(\S*)\s*$", lines[i])
        if not opening:
            i += 1
            continue
        indent, info = opening.group(1), opening.group(2)
        body = []
        j = i + 1
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        assert j < len(lines), f"{path.name}:{i + 1}: niezamknięty blok kodu"
        doc.blocks.append(Block(info, "\n".join(body), i + 1, j + 1))
        i = j + 1
    for before, after in zip(doc.blocks, doc.blocks[1:], strict=False):
        between = lines[before.end:after.line - 1]
        if before.info in EXECUTED and after.info == "text" and not any(s.strip() for s in between):
            before.expected = after
    return doc


@cache
def docs() -> tuple[Doc, ...]:
    return tuple(parse_doc(p) for p in DOC_FILES)


def _doc(name: str) -> Doc:
    return next(d for d in docs() if d.name == name)


def _is_slow(doc: Doc) -> bool:
    for block in doc.blocks:
        for line in _logical_lines(block.code) if block.info in {"bash", "powershell"} else []:
            words = _pzk_words(line)
            if words and len(words) > 1 and words[1] in SLOW_COMMANDS:
                return True
    return False


def _runnable_docs() -> list:
    params = []
    for doc in docs():
        if any(b.info in EXECUTED for b in doc.blocks):
            marks = [pytest.mark.slow] if _is_slow(doc) else []
            params.append(pytest.param(doc.name, marks=marks, id=doc.name))
    return params


# -- running commands --------------------------------------------------------------------------------------------


def _logical_lines(code: str) -> list[str]:
    """Lines to run: comments and blank lines dropped, ``\\`` (bash) and `` ` `` (PowerShell) continuations joined."""
    result: list[str] = []
    parts: list[str] = []
    for raw in code.splitlines():
        line = raw.strip()
        if not parts and (not line or line.startswith("#")):
            continue
        if line.endswith((" \\", " `")):
            parts.append(line[:-1].strip())
            continue
        result.append(" ".join([*parts, line]))
        parts = []
    if parts:
        result.append(" ".join(parts))
    return result


def _split_exit(line: str) -> tuple[str, int]:
    mark = EXIT_MARK.search(line)
    if mark:
        return line[:mark.start()], int(mark.group(1))
    return line, 0


def _pzk_words(line: str) -> list[str] | None:
    """The words of a ``pzk`` command line (any Windows form normalised), else None."""
    line, _ = _split_exit(line)
    line = re.sub(r"\s+#.*$", "", line)
    match = re.match(r"^(?:\.venv[\\/]Scripts[\\/]|\.venv/bin/)?pzk(?:\.exe)?(\s.*)?$", line.strip())
    if not match:
        return None
    rest = (match.group(1) or "").replace("\\", "/")
    return ["pzk", *shlex.split(rest)]


def _env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["MPLBACKEND"] = "Agg"
    env["JUPYTER_RUNTIME_DIR"] = str(workdir / ".jupyter_runtime")
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PZK_DEBUG", None)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_server(words: list[str], workdir: Path, where: str) -> str:
    """Start ``pzk app``/``pzk lab``, wait until it answers over HTTP, stop it; return its output."""
    words = list(words)
    if "--bez-przegladarki" not in words:
        words.append("--bez-przegladarki")
    if "--port" in words:
        port = int(words[words.index("--port") + 1])
    else:
        port = _free_port()
        words += ["--port", str(port)]
    log = workdir / f".server_{port}.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(words, cwd=workdir, env=_env(workdir), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        answered = None
        while time.monotonic() < deadline and answered is None:
            if proc.poll() is not None:
                pytest.fail(f"{where}: {' '.join(words)} zakończyło się kodem {proc.returncode}:\n"
                            f"{log.read_text(encoding='utf-8')}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    answered = response.status
            except urllib.error.HTTPError as exc:
                answered = exc.code
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        assert answered is not None, f"{where}: {' '.join(words)} nie odpowiedziało w {SERVER_TIMEOUT} s:\n" + \
            log.read_text(encoding="utf-8")
        assert answered < 500, f"{where}: serwer odpowiedział błędem HTTP {answered}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return log.read_text(encoding="utf-8")


def _run_shell(line: str, workdir: Path, where: str) -> str:
    command, expected = _split_exit(line)
    words = _pzk_words(command)
    if words and len(words) > 1 and words[1] in SERVER_COMMANDS:
        assert expected == 0, f"{where}: serwer nie może mieć oczekiwanego kodu wyjścia"
        return _run_server(words, workdir, where)
    if words is not None:
        command = shlex.join(words)
    done = subprocess.run(["bash", "-c", command], cwd=workdir, env=_env(workdir), capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=COMMAND_TIMEOUT)
    output = done.stdout + done.stderr
    assert done.returncode == expected, (
        f"{where}: `{command}` zakończyło się kodem {done.returncode}, a dokumentacja obiecuje {expected}:\n{output}"
    )
    return output


_PS_ALLOWED = [
    re.compile(r"^cd\s+\S.*$"),
    re.compile(r"^py(?:\s+-3(?:\.\d+)?)?\s+(?:--version|-0)$"),
    re.compile(r"^py(?:\s+-3(?:\.\d+)?)?\s+-m\s+venv\s+\.venv$"),
    re.compile(r"^\.venv\\Scripts\\Activate\.ps1$"),
    re.compile(r"^\.venv\\Scripts\\python(?:\.exe)?\s+--version$"),
    re.compile(r"^Set-ExecutionPolicy\s+-Scope\s+CurrentUser\s+-ExecutionPolicy\s+RemoteSigned$"),
    re.compile(r"^Expand-Archive\s+\S+\s+-DestinationPath\s+\S+$"),
]
_PIP = re.compile(r"^(?:\.venv\\Scripts\\python(?:\.exe)?|py(?:\s+-3(?:\.\d+)?)?)\s+-m\s+pip\s+(.+)$")


def _check_pip(arguments: str, where: str) -> None:
    """Parse a pip command line with pip's own parser: a misspelt option or command fails here."""
    from pip._internal.commands import commands_dict, create_command

    words = shlex.split(arguments.replace("\\", "/"))
    assert words and words[0] in commands_dict, f"{where}: nieznane polecenie pip: {arguments}"
    command = create_command(words[0])
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            command.parse_args(words[1:])
    except SystemExit as exc:
        pytest.fail(f"{where}: pip nie przyjmuje `{arguments}` ({exc.code}): {stderr.getvalue()}")


def _run_powershell(line: str, workdir: Path, where: str) -> str:
    if _pzk_words(line) is not None:
        return _run_shell(line, workdir, where)
    pip = _PIP.match(line)
    if pip:
        _check_pip(pip.group(1), where)
        return ""
    assert any(p.match(line) for p in _PS_ALLOWED), (
        f"{where}: test nie zna polecenia PowerShell `{line}` — dopisz jego sprawdzenie w tests/test_docs.py"
    )
    return ""


def _run_python(code: str, workdir: Path, where: str) -> str:
    out = io.StringIO()
    previous = Path.cwd()
    os.chdir(workdir)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, where, "exec"), {"__name__": "__main__"})
    finally:
        os.chdir(previous)
    return out.getvalue()


def _check_expected(block: Block, output: str, where: str) -> None:
    if block.expected is None:
        return
    have = [" ".join(line.split()) for line in output.splitlines()]
    for wanted in block.expected.code.splitlines():
        wanted = " ".join(wanted.split())
        if not wanted or wanted == "…":
            continue
        assert any(wanted in line for line in have), (
            f"{where}: w wyniku brakuje wiersza obiecanego w dokumentacji:\n  {wanted}\nWynik:\n{output}"
        )


@pytest.mark.parametrize("name", _runnable_docs())
def test_commands_and_snippets_run(name: str, tmp_path: Path) -> None:
    doc = _doc(name)
    workdir = tmp_path / "pzk-kit"
    workdir.mkdir()
    # The docs are followed in the kit's folder, where data/ holds the example gmina and the blank templates.
    shutil.copytree(ROOT / "data", workdir / "data")
    for block in doc.blocks:
        where = f"docs/{doc.name}:{block.line}"
        if block.info == "python":
            output = _run_python(block.code, workdir, where)
        elif block.info in {"bash", "powershell"}:
            run = _run_shell if block.info == "bash" else _run_powershell
            output = "".join(run(line, workdir, where) for line in _logical_lines(block.code))
        else:
            continue
        _check_expected(block, output, where)


# -- the shape of the docs ---------------------------------------------------------------------------------------


def test_docs_exist_and_index_links_every_document() -> None:
    names = {p.name for p in DOC_FILES}
    for required in ("README.md", "przewodnik_prowadzacego.md", "instalacja.md", "faq.md", "slowniczek.md",
                     "samoocena_bez_trenera.md"):
        assert required in names, f"brak docs/{required}"
    index = _doc("README.md").text
    for name in names - {"README.md"}:
        assert f"]({name}" in index, f"docs/README.md nie linkuje do {name}"


@pytest.mark.parametrize("name", [p.name for p in DOC_FILES])
def test_every_block_is_marked(name: str) -> None:
    for block in _doc(name).blocks:
        assert block.info in KNOWN_INFO, (
            f"docs/{name}:{block.line}: blok kodu bez znanego oznaczenia ({block.info!r}); "
            f"użyj jednego z: {', '.join(sorted(KNOWN_INFO))}"
        )


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped (letters of any script kept), spaces → '-'."""
    kept = []
    for char in heading.strip().lower():
        category = unicodedata.category(char)
        if char in " -_" or category[0] in {"L", "N"} or category == "Mn":
            kept.append(char)
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\s*```", line):
            inside = not inside
            continue
        heading = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
        if heading and not inside:
            base = slug(heading.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        found.update(re.findall(r'<a (?:name|id)="([^"]+)"', line))
    return found


@pytest.mark.parametrize("name", [p.name for p in DOC_FILES])
def test_links_resolve(name: str) -> None:
    doc = _doc(name)
    for target in LINK.findall(doc.prose()):
        if re.match(r"^(https?|mailto):", target):
            continue
        path_part, _, anchor = target.partition("#")
        path = (doc.path.parent / path_part).resolve() if path_part else doc.path
        assert path.exists(), f"docs/{name}: link do nieistniejącego pliku {target}"
        if anchor:
            assert path.suffix == ".md", f"docs/{name}: kotwica w pliku innym niż .md: {target}"
            assert anchor in anchors(path), (
                f"docs/{name}: kotwica #{anchor} nie istnieje w {path.name}; są: {sorted(anchors(path))}"
            )


def _notebook_headings(number: str) -> set[str]:
    import nbformat

    [path] = NOTEBOOKS.glob(f"{number}_*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    headings = set()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            headings.update(m.group(1).strip() for m in re.finditer(r"^#{1,6}\s+(.+)$", cell.source, re.M))
    return headings


def test_notebook_sections_named_in_docs_exist() -> None:
    refs = [(d.name, m.group(1), m.group(2)) for d in docs() for m in SECTION_REF.finditer(d.text)]
    assert len(refs) >= 20, "scenariusze powinny wskazywać sekcje zeszytów (zeszyt 01 › „Nagłówek”)"
    for name, number, heading in refs:
        heading = " ".join(heading.split())
        assert heading in _notebook_headings(number), (
            f"docs/{name}: zeszyt {number} nie ma sekcji „{heading}”; są: {sorted(_notebook_headings(number))}"
        )


def _parse_pzk(words: list[str]) -> str | None:
    """None when the real parser accepts ``words``; else its complaint."""
    from pzk_kit.cli import build_parser

    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            build_parser().parse_args(words[1:])
    except SystemExit as exc:
        if exc.code not in (0, None):
            return stderr.getvalue().strip() or f"kod {exc.code}"
    return None


@pytest.mark.parametrize("name", [p.name for p in DOC_FILES])
def test_inline_commands_exist(name: str) -> None:
    doc = _doc(name)
    lines = []
    for block in doc.blocks:
        if block.info in {"bash", "powershell"}:
            lines += _logical_lines(block.code)
    lines += [m.group(1) for m in INLINE_CODE.finditer(doc.prose())]
    for line in lines:
        if any(mark in line for mark in "[…|<"):
            continue  # a synopsis with placeholders, not a command to type
        words = _pzk_words(line)
        if words is not None and len(words) == 2 and not words[1].startswith("-"):
            from pzk_kit.cli import build_parser

            commands = next(a.choices for a in build_parser()._actions if getattr(a, "choices", None))
            assert words[1] in commands, f"docs/{name}: `{line}` — nie ma polecenia {words[1]}"
        elif words is not None:
            problem = _parse_pzk(words)
            assert problem is None, f"docs/{name}: `{line}` — {problem}"
        make = re.fullmatch(r"make\s+([a-z_]+)", line.strip())
        if make:
            dry = subprocess.run(["make", "-n", "-C", str(ROOT), make.group(1)], capture_output=True, text=True)
            assert dry.returncode == 0, f"docs/{name}: `{line}` — nie ma takiego celu w Makefile: {dry.stderr}"


# -- figures and messages quoted in the prose --------------------------------------------------------------------


@cache
def _example_namespace() -> dict:
    import pzk_kit
    from pzk_kit import basket, evaluation, network
    from pzk_kit.basket import service_plan
    from pzk_kit.workbook.example import resolve_input

    gmina = pzk_kit.read_gmina(resolve_input(""))
    t0, t1 = network.build_network(gmina, "T0"), network.build_network(gmina, "T1")
    return {
        "gmina": gmina, "siec": network, "koszyk": basket, "ewaluacja": evaluation, "ipus": service_plan,
        "sieci": {"T0": t0, "T1": t1},
        "T0": network.network_summary(gmina, "T0", t0), "T1": network.network_summary(gmina, "T1", t1),
        "zmiana": network.compare_networks(gmina, t0, t1),
        "kosz": basket.basket_summary(gmina), "ocena": evaluation.evaluation_summary(gmina),
        "pasma": evaluation.factor_table(gmina),
    }


def test_figures_quoted_in_docs_are_true() -> None:
    checks = []
    for d in docs():
        prose = INLINE_CODE.sub("", d.prose())  # `<!-- sprawdź: … -->` shown as an example is not a check
        checks += [(d.name, prose[:m.start()].count("\n") + 1, m.group(1)) for m in CHECK_MARK.finditer(prose)]
    assert len(checks) >= 15, "liczby z Gminy Przykładowej w scenariuszach powinny mieć <!-- sprawdź: … -->"
    for name, line, expression in checks:
        namespace = dict(_example_namespace())
        try:
            ok = eval(expression, namespace)
        except Exception as exc:
            pytest.fail(f"docs/{name}:{line}: `{expression}` — {type(exc).__name__}: {exc}")
        assert ok, f"docs/{name}:{line}: liczba w tekście nie zgadza się z zestawem: `{expression}`"


@cache
def _messages_the_kit_produces() -> tuple[str, ...]:
    """Every problem line ``pzk validate`` prints for the broken corpus and a few small inputs built here."""
    import tempfile

    from pzk_kit.workbook.example import example_dir
    from pzk_kit.workbook.reading import read_gmina
    from pzk_kit.workbook.templates import write_template

    inputs = [p for p in sorted(CORPUS.iterdir()) if p.is_dir()]
    work = Path(tempfile.mkdtemp(prefix="pzk_docs_messages_"))
    try:
        # Relative paths, as a user types them: messages quote the path they were given.
        with contextlib.chdir(work):
            inputs.append(Path("brak.xlsx"))
            Path("stary.xls").write_bytes(b"")
            inputs.append(Path("stary.xls"))
            Path("zepsuty.xlsx").write_bytes(b"to nie jest skoroszyt")
            inputs.append(Path("zepsuty.xlsx"))
            Path("uciety.xlsx").write_bytes(b"PK\x03\x04 urwany w trakcie kopiowania")
            inputs.append(Path("uciety.xlsx"))
            Path("pusty").mkdir()
            inputs.append(Path("pusty"))
            csv_folder = Path("gmina_csv")
            shutil.copytree(example_dir(), csv_folder)
            inputs.append(csv_folder / "partnerzy.csv")
            inputs.append(write_template(Path("szablon.xlsx")))
            only_two = Path("tylko_gmina_i_partnerzy")
            only_two.mkdir()
            for sheet in ("gmina", "partnerzy"):
                shutil.copy(example_dir() / f"{sheet}.csv", only_two)
            inputs.append(only_two)
            no_leader = Path("bez_lidera")
            no_leader.mkdir()
            gmina_rows = (example_dir() / "gmina.csv").read_text(encoding="utf-8").splitlines()
            (no_leader / "gmina.csv").write_text("\n".join(r for r in gmina_rows if not r.startswith("lider,")),
                                                 encoding="utf-8")
            partners = (example_dir() / "partnerzy.csv").read_text(encoding="utf-8")
            (no_leader / "partnerzy.csv").write_text(re.sub(r",lider,", ",Partner,", partners, flags=re.I),
                                                     encoding="utf-8")
            inputs.append(no_leader)
            lines = []
            for path in inputs:
                lines += [str(problem) for problem in read_gmina(path).report.problems]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tuple(lines)


def _quote_matches(quote: str, message: str) -> bool:
    position = 0
    for fragment in (f.strip() for f in quote.split("…")):
        if not fragment:
            continue
        found = message.find(fragment, position)
        if found < 0:
            return False
        position = found + len(fragment)
    return True


def test_quoted_messages_are_real() -> None:
    quotes = [(d.name, q) for d in docs() for q in QUOTE.findall(d.text)]
    assert len([q for n, q in quotes if n == "faq.md"]) >= 20, "FAQ powinno cytować prawdziwe komunikaty zestawu"
    produced = _messages_the_kit_produces()
    for name, quote in quotes:
        assert any(_quote_matches(quote, message) for message in produced), (
            f"docs/{name}: zestaw nie wypisuje takiego komunikatu:\n  {quote}"
        )


# -- the harness itself ------------------------------------------------------------------------------------------


def test_harness_reads_blocks_and_continuations() -> None:
    sample = ("Tekst\n\n1. Krok:\n\n   ```bash\n   pzk validate a.xlsx  # kod wyjścia: 2\n   ```\n\n"
              "   ```text\n   BŁĄD\n   ```\n\n```text\nluźny przykład\n```\n")
    doc = parse_doc(DOCS / "przyklad.md", sample)
    assert [(b.info, b.code) for b in doc.blocks] == [
        ("bash", "pzk validate a.xlsx  # kod wyjścia: 2"), ("text", "BŁĄD"), ("text", "luźny przykład")]
    assert doc.blocks[0].expected is doc.blocks[1] and doc.blocks[1].expected is None
    assert "pzk validate" not in doc.prose() and "Krok" in doc.prose()
    assert _logical_lines("pzk run a.xlsx \\\n  --out b\n# komentarz\n") == ["pzk run a.xlsx --out b"]
    assert _logical_lines(".venv\\Scripts\\pzk run a.xlsx `\n  --out b\n") == [".venv\\Scripts\\pzk run a.xlsx --out b"]
    assert _split_exit("pzk validate a.xlsx  # kod wyjścia: 2") == ("pzk validate a.xlsx", 2)
    assert _pzk_words(r".venv\Scripts\pzk validate dane\gmina.xlsx") == ["pzk", "validate", "dane/gmina.xlsx"]
    assert _pzk_words("python -m pip install .") is None
    assert slug("Krok 2. Sprawdźcie dane (`pzk validate`)") == "krok-2-sprawdźcie-dane-pzk-validate"
    assert _quote_matches("BŁĄD: … Nieznana wartość „Edukcja”. … Dozwolone: …",
                          "BŁĄD: arkusz „partnerzy”, wiersz 4: Nieznana wartość „Edukcja”. Dozwolone: „Zdrowie”.")
    assert not _quote_matches("Nieznana wartość „X”", "BŁĄD: Nieznana wartość „Y”.")
