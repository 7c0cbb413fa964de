"""The hostile corpus: every failure of issue 17 (items 1-19) and its family, as cases.

A case is a command line (or a short Python program for the API items), the inputs it needs
(small files in ``cases/``, big ones written by a generator into the case's temporary folder at
test time), the exit code and first line of standard error it must give, and, for the silent
wrong answers, what its output must (not) say.  ``test_hostile_corpus.py`` runs each in its own
process under a timeout and a memory cap.

Placeholders in arguments: ``{cases}`` (this folder's ``cases/``), ``{tmp}`` (the case's
temporary folder), ``{server}`` (the address of a hostile peer from ``servers.py``).

"""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases"
BASE = (CASES / "base.yaml").read_text(encoding="utf-8")

ANY_ERROR = r"^detente: error: "
LOCATED = r"^detente: error: \S+:\d+:\d+: "


@dataclass(frozen=True)
class Case:
    """One hostile input and what detente must do with it.

    ``rc`` is the exit code (or the codes) allowed; ``first`` a regular expression the first line
    of standard error must match (``None``: standard error must be empty); ``stdout`` and
    ``not_stdout`` / ``not_stderr`` regular expressions for the output; ``renderer`` marks
    commands that start the chart renderer (capped on the data segment, not address space);
    ``python`` runs ``argv[0]`` as a Python program with the other arguments.
    """

    id: str
    item: int
    argv: tuple[str, ...]
    rc: int | tuple[int, ...] = 2
    first: str | None = ANY_ERROR
    stdout: str | None = None
    not_stdout: str | None = None
    not_stderr: str | None = None
    setup: Callable[[Path], None] | None = None
    server: str | None = None
    timeout: float = 60.0
    renderer: bool = False
    python: bool = False

    @property
    def codes(self) -> tuple[int, ...]:
        return self.rc if isinstance(self.rc, tuple) else (self.rc,)


# ---------------------------------------------------------------------- generators
def _scenario(name: str, text: str) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        (tmp / name).write_text(text, encoding="utf-8")

    return write


def _bent(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def _without_red_lines(text: str) -> str:
    for block in (
        "    red_lines:\n      - rule: territory >= 50\n        label: No ceding of most territory\n"
        "        source: art\n",
        '    red_lines:\n      - rule: crimea == "russian"\n        source: art\n',
    ):
        assert block in text
        text = text.replace(block, "")
    return text


def _fifo(tmp: Path) -> None:
    os.mkfifo(tmp / "fifo")


def _deep_yaml(tmp: Path) -> None:
    depth = 30_000
    (tmp / "deep.yaml").write_text("detente: 1\nid: " + "[" * depth + "]" * depth + "\n")


def _big_table(tmp: Path) -> None:
    rows = (f"A{i},1,{i % 10},0.5\n" for i in range(100_000))
    (tmp / "big.csv").write_text("actor,capability,position,salience\n" + "".join(rows))


def _many_issues_table(tmp: Path) -> None:
    rows = (f"A{i % 150},1,{i % 10},0.5,issue{i // 150}\n" for i in range(30_000))
    (tmp / "wide.csv").write_text("actor,capability,position,salience,issue\n" + "".join(rows))


def _full_table(tmp: Path) -> None:
    rows = (f"A{i},{1 + i % 7},{i % 10},0.{1 + i % 9}\n" for i in range(200))
    (tmp / "full.csv").write_text("actor,capability,position,salience\n" + "".join(rows))


def _wide_header(tmp: Path) -> None:
    (tmp / "header.csv").write_text(",".join(f"c{i}" for i in range(5000)) + "\n1\n")


def _long_field(tmp: Path) -> None:
    (tmp / "field.csv").write_text(
        'actor,capability,position,salience\n"' + "a" * 200_000 + '",1,1,1\n'
    )


def _gdelt_record(i: int) -> str:
    fields = [str(i), "20221201", "202212", "2022", "2022.9"] + ["RUS"] + [""] * 9
    fields += ["UKR"] + [""] * 9 + ["1", "036", "036", "03", "1", "4.0", "1", "1", "1", "0"]
    fields += [""] * (58 - len(fields))
    return "\t".join(fields[:58]) + "\n"


def _long_first_line(tmp: Path) -> None:
    (tmp / "long.csv").write_text("a" * 140_000 + ",event_date,country\n1,2,3\n")


def _no_newline_gzip(tmp: Path) -> None:
    with gzip.open(tmp / "nonl.gz", "wb", compresslevel=1) as gz:
        gz.write(b"x" * (4 * 2**20))


def _unterminated_record_gzip(tmp: Path) -> None:
    # A good first line, then a record that never ends: the reader must stop at 1 MiB.
    with gzip.open(tmp / "unterminated.gz", "wb", compresslevel=1) as gz:
        gz.write(_gdelt_record(1).encode() + b"y" * (3 * 2**20))


def _bomb_gzip(tmp: Path) -> None:
    # 24 MiB of well-formed records in ~30 KB: beyond 100x the compressed size past 16 MiB.
    block = _gdelt_record(7).encode() * 4096
    with gzip.open(tmp / "bomb.gz", "wb", compresslevel=9) as gz:
        for _ in range(24 * 2**20 // len(block) + 1):
            gz.write(block)


def _many_members(count: int) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp / f"members{count}.zip", "w") as zf:
            for i in range(count):
                zf.writestr(f"part{i}.csv", _gdelt_record(i))

    return write


def _zip_declares_too_much(tmp: Path) -> None:
    with zipfile.ZipFile(tmp / "declared.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"part{i}.csv", _gdelt_record(i) * 60_000)


def _truncated_gzip(tmp: Path) -> None:
    data = gzip.compress("".join(_gdelt_record(i) for i in range(2000)).encode())
    (tmp / "truncated.gz").write_bytes(data[: len(data) // 2])


def _bad_crc_zip(tmp: Path) -> None:
    path = tmp / "crc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("events.csv", "".join(_gdelt_record(i) for i in range(50)))
    raw = bytearray(path.read_bytes())
    at = raw.find(b"20221201", 200)  # inside the stored data, past the detection head
    raw[at : at + 1] = b"3"
    path.write_bytes(bytes(raw))


def _eleven_issues(tmp: Path) -> None:
    issues = "".join(
        f"  x{i}:\n    label: Issue {i}\n    scale: [0, 1]\n    status_quo: 0\n" for i in range(11)
    )
    lines = "".join(f"      - rule: x{i} <= 0 or x{i} >= 1\n" for i in range(11))
    total = " + ".join(f"2*x{i}" for i in range(11))
    positions = ", ".join(f"x{i}: 1" for i in range(11))
    text = f"""detente: 1
id: eleven
title: Eleven issues
question: Can A and B agree?
issues:
{issues}actors:
  A:
    name: Party A
    role: party
    capability: 1
    positions: {{{positions}}}
    red_lines:
{lines}      - rule: {total} == 11
    no_deal: {{cost: 0.1}}
  B:
    name: Party B
    role: party
    capability: 1
    positions: {{{positions.replace(": 1", ": 0")}}}
    no_deal: {{cost: 0.1}}
"""
    (tmp / "eleven.yaml").write_text(text)


def _many_options(*per_dm: int, max_states: int | None = None) -> str:
    names = ["UKR", "RUS", "USA"][: len(per_dm)]
    parts = ["strategy:", "  decision_makers:"]
    for dm, count in zip(names, per_dm, strict=True):
        parts.append(f"    {dm}:\n      options:")
        parts.extend(f"        o{k}: {{}}" for k in range(count))
    parts.append("  preferences:")
    parts.extend(f"    {dm}:\n      - not {dm}.o0" for dm in names)
    if max_states is not None:
        parts.append(f"  max_states: {max_states}")
    head = BASE[: BASE.index("strategy:")]
    return head + "\n".join(parts) + "\n"


def _preference(statement: str) -> str:
    return _bent("      - not RUS.escalate\n", f"      - {statement}\n")


def _warning_table(tmp: Path) -> None:
    rows = "".join(f"A{i},1e308,{(-1) ** i * 1e308},1\n" for i in range(4))
    (tmp / "wide-range.csv").write_text("actor,capability,position,salience\n" + rows)


# ---------------------------------------------------------------------- the cases
BIG = "9" * 400
PY_IMMUTABLE = """
import sys
from detente.scenario import load
s = load(sys.argv[1])
copy = s.variant("pressure")
try:
    s.actors["UKR"].positions["territory"] = 5.0
except TypeError:
    print("immutable")
    sys.exit(0)
sys.exit(3)
"""
PY_RACE = """
import sys, pathlib
import detente.briefing as briefing
from detente.cli import main
out = pathlib.Path(sys.argv[2])
real = briefing.build_briefing
def racing(*args, **kwargs):
    out.write_text("precious")  # created while the report is being built
    return real(*args, **kwargs)
briefing.build_briefing = racing
code = main(["report", sys.argv[1], "-o", str(out)])
sys.exit(code if out.read_text() == "precious" else 3)
"""
PY_WORKER = """
import sys
import numpy as np
import distributed
import detente.uncertainty._dask as remote
from detente.errors import DetenteError
from detente.uncertainty import DistributionSpec, Execution, run
from detente.uncertainty.sampling import as_judgments
from detente.uncertainty.testfunctions import Linear

def malicious(fn, task):  # a worker that answers with objects instead of numbers
    return {"y": np.array([object()] * task[1], dtype=object)}

remote._call = malicious
spec = as_judgments([("x", DistributionSpec.model_validate({"uniform": [0, 1]}), (0.0, 1.0))])
with distributed.LocalCluster(
    n_workers=1, processes=False, protocol="tcp", dashboard_address=":0"
) as cluster:
    try:
        run(Linear(weights=(1.0,), threshold=0.5), spec, 10,
            execution=Execution(scheduler=cluster.scheduler_address, timeout=30))
    except DetenteError as exc:
        sys.stderr.write(f"detente: error: {exc}\\n")
        sys.exit(2)
sys.exit(0)
"""

SIMULATE = ("simulate", "{cases}/base.yaml", "-n", "50", "--no-sensitivity", "--timeout", "2")

CORPUS: tuple[Case, ...] = (
    # 1. a '#' in a rule silently drops the rest of it
    Case(
        "hash-in-red-line",
        1,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED + r"actors\.\w+\.red_lines\.0\.rule: .*'#'",
        setup=_scenario(
            "s.yaml",
            _bent("rule: territory >= 50", 'rule: "territory >= 50 # and territory <= 10"'),
        ),
    ),
    # An unquoted ' #' starts a YAML comment, outside the rule: `show` prints the rule as read.
    Case(
        "yaml-comment-after-rule",
        1,
        ("show", "{tmp}/s.yaml"),
        rc=0,
        first=None,
        not_stdout="and territory <= 10",
        setup=_scenario(
            "s.yaml", _bent("rule: territory >= 50", "rule: territory >= 50 # and territory <= 10")
        ),
    ),
    # 2. numbers at scale
    Case(
        "scale-1e20",
        2,
        ("assess", "{tmp}/s.yaml"),
        rc=0,
        first=None,
        not_stdout="cannot all hold",
        setup=_scenario(
            "s.yaml",
            _without_red_lines(_bent("scale: [0, 100]", "scale: [0, 1e20]")).replace(
                "positions: {territory: 100,", "positions: {territory: 1e20,"
            ),
        ),
    ),
    Case(
        "scale-1e308",
        2,
        ("assess", "{tmp}/s.yaml"),
        rc=(0, 2),
        first=None,
        setup=_scenario("s.yaml", _bent("scale: [0, 100]", "scale: [-1e308, 1e308]")),
    ),
    Case(
        "infinite-coefficient",
        2,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED,
        setup=_scenario(
            "s.yaml", _bent("rule: territory >= 50", "rule: territory * 1e200 * 1e200 >= 1")
        ),
    ),
    Case(
        "table-capabilities-1e308",
        2,
        ("forecast", "--table", "{cases}/huge-capabilities.csv", "--json", "-m", "mean"),
        rc=0,
        first=None,
        stdout=r'"mean": \{\s*"value": 5\.0',
    ),
    Case(
        "table-positions-overflow",
        2,
        ("forecast", "--table", "{tmp}/wide-range.csv"),
        first=r"^detente: error: \S+wide-range.csv:\d+: position: .*too wide",
        setup=_warning_table,
    ),
    # 3. the immutable Scenario can be changed in place
    Case(
        "scenario-mapping-assignment",
        3,
        (PY_IMMUTABLE, "{cases}/base.yaml"),
        rc=0,
        first=None,
        python=True,
    ),
    # 4. a file created while `report` runs is replaced
    Case(
        "report-overwrite-race",
        4,
        (PY_RACE, "{cases}/base.yaml", "{tmp}/out.html"),
        first=r"^detente: error: .*exists",
        python=True,
        renderer=True,
    ),
    # 5. YAML nested 30,000 deep
    Case("yaml-nested-30000", 5, ("check", "{tmp}/deep.yaml"), setup=_deep_yaml),
    # 6. unbounded reads: devices and FIFOs
    Case("check-dev-zero", 6, ("check", "/dev/zero"), first=r"^detente: error: /dev/zero: "),
    Case(
        "check-fifo",
        6,
        ("check", "{tmp}/fifo"),
        first=r"^detente: error: \S+fifo: ",
        setup=_fifo,
        timeout=20,
    ),
    Case(
        "table-dev-zero",
        6,
        ("forecast", "--table", "/dev/zero"),
        first=r"^detente: error: /dev/zero: more than 10 MiB read; actor tables over 10 MiB are refused$",
    ),
    Case(
        "table-fifo",
        6,
        ("forecast", "--table", "{tmp}/fifo"),
        first=r"^detente: error: \S+fifo: no end of input within 5 s",
        setup=_fifo,
    ),
    Case(
        "table-directory",
        6,
        ("forecast", "--table", "{tmp}"),
        first=r"^detente: error: \S+: is a directory",
    ),
    Case(
        "table-dev-null",
        6,
        ("forecast", "--table", "/dev/null"),
        first=r"^detente: error: /dev/null:1: the table is empty",
    ),
    Case(
        "events-dev-zero",
        6,
        ("signals", "--events", "/dev/zero"),
        first=r"^detente: error: /dev/zero: not a regular file",
    ),
    Case(
        "events-fifo",
        6,
        ("signals", "--events", "{tmp}/fifo"),
        first=r"^detente: error: \S+fifo: not a regular file",
        setup=_fifo,
    ),
    # 7. a 400-digit integer
    Case(
        "int-400-capability",
        7,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED,
        setup=_scenario("s.yaml", _bent("capability: 30", f"capability: {BIG}")),
    ),
    Case(
        "int-400-what-if",
        7,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED,
        setup=_scenario(
            "s.yaml",
            _bent(
                "actors.UKR.no_deal.outcome.territory: 15",
                f"actors.UKR.no_deal.outcome.territory: {BIG}",
            ),
        ),
    ),
    Case(
        "int-400-timeline",
        7,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED,
        setup=_scenario(
            "s.yaml",
            _bent(
                "set: {facts.security_commitments_offered: false}",
                f"set: {{actors.RUS.capability: {BIG}}}",
            ),
        ),
    ),
    Case(
        "int-400-distribution",
        7,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED,
        setup=_scenario("s.yaml", _bent("{normal: [0.10, 0.03]}", f"{{normal: [0.10, {BIG}]}}")),
    ),
    # 8. strategy preference statements without bounds
    Case(
        "preference-200-parentheses",
        8,
        ("check", "{tmp}/s.yaml"),
        rc=(0, 2),
        setup=_scenario("s.yaml", _preference("(" * 200 + "RUS.escalate" + ")" * 200)),
    ),
    Case(
        "preference-1000-not",
        8,
        ("check", "{tmp}/s.yaml"),
        rc=(0, 2),
        setup=_scenario("s.yaml", _preference("not " * 1000 + "RUS.escalate")),
    ),
    Case(
        "preference-1000-and",
        8,
        ("check", "{tmp}/s.yaml"),
        rc=(0, 2),
        setup=_scenario("s.yaml", _preference(" & ".join(["RUS.escalate"] * 1000))),
    ),
    # 9. state spaces
    Case(
        "max-states-2-40",
        9,
        ("check", "{tmp}/s.yaml"),
        first=r"states",
        timeout=30,
        setup=_scenario("s.yaml", _many_options(20, 20, max_states=2**40)),
    ),
    Case(
        "max-states-option",
        9,
        ("stability", "{tmp}/s.yaml", "--max-states", str(2**40)),
        first=r"states",
        timeout=30,
        setup=_scenario("s.yaml", _many_options(20, 20)),
    ),
    Case(
        "move-lists-65536",
        9,
        ("stability", "{tmp}/s.yaml"),
        rc=(0, 2),
        first=None,
        timeout=60,
        setup=_scenario("s.yaml", _many_options(14, 2)),
    ),
    # 10. a 100,000-row table
    Case(
        "table-100000-rows",
        10,
        ("forecast", "--table", "{tmp}/big.csv"),
        first=r"^detente: error: \S+big.csv:202: issue 'issue' has more than 200 actors",
        timeout=30,
        setup=_big_table,
    ),
    Case(
        "table-rows-limit",
        10,
        ("forecast", "--table", "{tmp}/wide.csv", "-m", "mean"),
        first=r"^detente: error: \S+wide.csv:20002: the table has more than 20,000 rows",
        timeout=30,
        setup=_many_issues_table,
    ),
    Case(
        "table-wide-header",
        10,
        ("forecast", "--table", "{tmp}/header.csv"),
        first=r"^detente: error: \S+header.csv:1: the header has 5,000 columns; the limit is 1000",
        setup=_wide_header,
    ),
    Case(
        "table-long-field",
        10,
        ("forecast", "--table", "{tmp}/field.csv"),
        first=r"^detente: error: \S+field.csv:2: not a readable CSV row",
        setup=_long_field,
    ),
    Case(
        "eum-rounds-work",
        10,
        ("forecast", "--table", "{tmp}/full.csv", "--rounds", "1000"),
        first=r"^detente: error: rounds: the expected-utility model would compute 8,000,000,000 pair-vote terms",
        setup=_full_table,
    ),
    # 11. Rich markup in user text
    Case(
        "markup-in-title",
        11,
        ("forecast", "{tmp}/s.yaml", "-m", "mean"),
        rc=0,
        first=None,
        stdout=r"Budget \[EUR\] \[/bold\]",
        not_stdout="\x1b]8;",
        setup=_scenario(
            "s.yaml",
            _bent(
                "title: Example talks",
                'title: "Budget [EUR] [/bold] [link=https://example.invalid]x[/link]"',
            ),
        ),
    ),
    # 12. control characters reach the terminal
    Case(
        "control-characters-in-label",
        12,
        ("show", "{tmp}/s.yaml"),
        first=LOCATED + r".*control character",
        not_stdout="\x1b",
        setup=_scenario(
            "s.yaml", _bent("label: Land returned", 'label: "Land \\e[2J\\e[31mreturned"')
        ),
    ),
    Case(
        "forged-error-line",
        12,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED,
        not_stderr=r"(?m)^detente: error: forged$",
        setup=_scenario("s.yaml", _bent("  USA:\n", '  "USA\\ndetente: error: forged":\n')),
    ),
    Case(
        "nul-byte",
        12,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED,
        setup=_scenario("s.yaml", _bent("title: Example talks", "title: Example\x00talks\x07")),
    ),
    # 13. event files
    Case(
        "events-first-line-140000",
        13,
        ("signals", "--events", "{tmp}/long.csv"),
        first=r"^detente: error: \S+long.csv:1: cannot read the header line",
        setup=_long_first_line,
    ),
    Case(
        "events-gzip-without-newline",
        13,
        ("signals", "--events", "{tmp}/nonl.gz"),
        first=r"^detente: error: \S+nonl.gz:1: the first line is longer than 256 KiB",
        setup=_no_newline_gzip,
    ),
    Case(
        "events-unterminated-record",
        13,
        ("signals", "--events", "{tmp}/unterminated.gz"),
        first=r"^detente: error: \S+unterminated.gz:2: a record longer than 1 MiB",
        setup=_unterminated_record_gzip,
    ),
    Case(
        "events-gzip-bomb",
        13,
        ("signals", "--events", "{tmp}/bomb.gz"),
        first=r"^detente: error: \S+bomb.gz: the file decompresses to more than 16 MiB",
        setup=_bomb_gzip,
    ),
    Case(
        "events-zip-101-members",
        13,
        ("signals", "--events", "{tmp}/members101.zip"),
        first=r"^detente: error: \S+members101.zip: the zip archive has 101 members; the limit is 100",
        setup=_many_members(101),
    ),
    Case(
        "events-zip-100-members",
        13,
        ("signals", "--events", "{tmp}/members100.zip", "--json"),
        rc=0,
        first=None,
        stdout=r'"kept": 1,',
        setup=_many_members(100),
    ),
    Case(
        "events-zip-declares-too-much",
        13,
        ("signals", "--events", "{tmp}/declared.zip"),
        first=r"^detente: error: \S+declared.zip: the file declares more than 16 MiB",
        setup=_zip_declares_too_much,
    ),
    Case(
        "events-truncated-gzip",
        13,
        ("signals", "--events", "{tmp}/truncated.gz"),
        first=r"^detente: error: \S+truncated.gz: cannot read the file: Compressed file ended",
        setup=_truncated_gzip,
    ),
    Case(
        "events-zip-bad-crc",
        13,
        ("signals", "--events", "{tmp}/crc.zip"),
        first=r"^detente: error: \S+crc.zip:events.csv: cannot read the file: Bad CRC-32",
        setup=_bad_crc_zip,
    ),
    # 14. dates outside pandas' range
    Case(
        "statement-year-1",
        14,
        ("signals", "{tmp}/s.yaml"),
        rc=(0, 2),
        first=None,
        setup=_scenario(
            "s.yaml",
            _bent("  - date: 2022-12-01\n    actor: USA", "  - date: 0001-01-01\n    actor: USA"),
        ),
    ),
    Case(
        "statement-year-9999",
        14,
        ("signals", "{tmp}/s.yaml"),
        rc=(0, 2),
        first=None,
        setup=_scenario("s.yaml", _bent("  - date: 2022-11-09", "  - date: 9999-12-31")),
    ),
    # 15. the lever search without a budget: it stops at the command's budget (--budget, 30 s
    # by default; 3 s here to keep the suite quick) and says what it left undetermined
    Case(
        "eleven-disjunctive-issues",
        15,
        ("assess", "{tmp}/eleven.yaml", "--budget", "3"),
        rc=(0, 2),
        first=None,
        timeout=20,
        setup=_eleven_issues,
    ),
    # 16. --scheduler to what is not a Dask scheduler
    *(
        Case(
            f"scheduler-{kind}",
            16,
            (*SIMULATE, "--scheduler", "{server}"),
            first=r"^detente: error: scheduler: .*(not as a Dask scheduler|no Dask handshake)",
            server=kind,
        )
        for kind in ("http", "garbage", "length-bomb", "not-msgpack", "silent")
    ),
    Case(
        "scheduler-tls",
        16,
        (*SIMULATE, "--scheduler", "tls://127.0.0.1:8786"),
        first=r"^detente: error: scheduler: .*tls:// needs TLS credentials",
    ),
    Case(
        "scheduler-inproc",
        16,
        (*SIMULATE, "--scheduler", "inproc://127.0.0.1/1/1"),
        first=r"^detente: error: scheduler: .*inproc:// addresses exist only inside",
    ),
    Case(
        "scheduler-refused",
        16,
        (*SIMULATE, "--scheduler", "tcp://127.0.0.1:1"),
        first=r"^detente: error: scheduler: cannot reach the Dask scheduler",
    ),
    # 17. a malicious worker: returned chunks are checked
    Case(
        "worker-returns-objects",
        17,
        (PY_WORKER,),
        first=r"^detente: error: scheduler: a worker returned output 'y' of dtype object",
        python=True,
    ),
    # the Monte Carlo's draws x judgments
    Case(
        "simulate-10-9-draws",
        17,
        ("simulate", "{cases}/base.yaml", "-n", "1000000000"),
        first=r"^detente: error: n: 1,000,000,000 draws x 5 judgments",
    ),
    # 18. output paths
    Case(
        "schema-to-directory", 18, ("schema", "-o", "{tmp}", "--force"), first=r"^detente: error: "
    ),
    Case(
        "schema-to-dev-full",
        18,
        ("schema", "-o", "/dev/full", "--force"),
        first=r"^detente: error: ",
    ),
    Case(
        "schema-into-missing-folder",
        18,
        ("schema", "-o", "{tmp}/missing/s.json"),
        rc=(0, 2),
        first=None,
    ),
    Case(
        "schema-under-a-file",
        18,
        ("schema", "-o", "/proc/version/s.json"),
        first=r"^detente: error: ",
    ),
    Case(
        "report-to-directory",
        18,
        ("report", "{cases}/base.yaml", "-o", "{tmp}", "--force"),
        first=r"^detente: error: ",
        renderer=True,
    ),
    # 19. smaller
    Case(
        "keys-1-and-true",
        19,
        ("check", "{tmp}/s.yaml"),
        rc=(0, 2),
        first=None,
        not_stderr="duplicate",
        setup=_scenario(
            "s.yaml", _bent("sources:\n", "sources:\n  1: {title: One}\n  true: {title: True}\n")
        ),
    ),
    Case(
        "actors-not-a-mapping",
        19,
        ("check", "{tmp}/s.yaml"),
        first=LOCATED,
        not_stderr="needs 'actors'",
        setup=_scenario("s.yaml", BASE[: BASE.index("actors:")] + "actors: [UKR, RUS]\n"),
    ),
    Case("no-arguments", 19, (), rc=0, first=None, stdout=r"Usage: detente"),
)

for _case in CORPUS:  # every case names its item of issue 17
    assert 1 <= _case.item <= 19, _case.id
