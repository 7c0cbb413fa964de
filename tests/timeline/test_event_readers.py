"""Each reader turns its fixture (written here, in the published format) into the same table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from timeline_fixtures import (
    EVENTS,
    acled_events,
    acled_row,
    acled_text,
    assert_common,
    expected,
    gdelt_fields,
    gdelt_lines,
    icews_fields,
    icews_lines,
    write,
)

from detente.errors import InputError
from detente.timeline.events import EVENT_COLUMNS, detect_format, read_events

COMPRESSIONS = [None, "gz", "zip"]


def _gdelt_file(tmp: Path, version: int, *, url: bool = True, compress: str | None = None) -> Path:
    name = "20221201.export.CSV" if version == 1 else "20221201143000.export.CSV"
    text = "\n".join(gdelt_lines(version, url=url)) + "\n"
    return write(tmp / name, text, compress=compress)


@pytest.mark.parametrize("compress", COMPRESSIONS)
@pytest.mark.parametrize(("version", "url", "fmt"), [(1, True, "gdelt1"), (1, False, "gdelt1"),
                                                    (2, True, "gdelt2")])  # fmt: skip
def test_gdelt_fixture_gives_the_canonical_table(
    tmp_path: Path, version: int, url: bool, fmt: str, compress: str | None
) -> None:
    path = _gdelt_file(tmp_path, version, url=url, compress=compress)
    data = read_events(path)
    assert list(data.frame.columns) == list(EVENT_COLUMNS)
    assert_common(data.frame, expected())
    assert (data.frame["source_format"] == fmt).all()
    assert data.frame["num_sources"].tolist() == [e.sources for e in EVENTS]
    assert data.frame["num_articles"].tolist() == [e.articles for e in EVENTS]
    assert data.frame["source_line"].tolist() == list(range(1, len(EVENTS) + 1))
    assert data.frame["event_id"].tolist() == [str(e.gid) for e in EVENTS]
    (report,) = data.reports
    assert (report.records, report.malformed, report.kept) == (len(EVENTS), 0, len(EVENTS))
    assert report.lines == len(EVENTS)


@pytest.mark.parametrize("compress", COMPRESSIONS)
def test_icews_fixture_gives_the_canonical_table(tmp_path: Path, compress: str | None) -> None:
    path = write(tmp_path / "events.2022.tab", "\n".join(icews_lines()) + "\n", compress=compress)
    data = read_events(path)
    assert_common(data.frame, expected())
    assert (data.frame["source_format"] == "icews").all()
    assert (data.frame["num_sources"] == 1).all()
    assert data.frame["source_line"].tolist() == list(range(2, len(EVENTS) + 2))


@pytest.mark.parametrize("date_style", ["iso", "long"])
@pytest.mark.parametrize("compress", COMPRESSIONS)
def test_acled_fixture_gives_the_canonical_rows(
    tmp_path: Path, compress: str | None, date_style: str
) -> None:
    rows = [acled_row(e, date_style=date_style) for e in acled_events()]
    path = write(tmp_path / "acled.csv", acled_text(rows), compress=compress)
    data = read_events(path)
    assert_common(data.frame, expected(acled_events()))
    # Each record's notes span two lines: records start on lines 2, 4, 6, ...
    assert data.frame["source_line"].tolist() == [2, 4, 6, 8]
    assert data.frame["num_sources"].tolist() == [2, 2, 1, 2]
    (report,) = data.reports
    assert report.lines == 1 + 2 * len(rows)


def test_every_format_agrees_on_the_common_columns(tmp_path: Path) -> None:
    g1 = read_events(_gdelt_file(tmp_path, 1)).frame
    g2 = read_events(_gdelt_file(tmp_path, 2)).frame
    ic = read_events(write(tmp_path / "i.tab", "\n".join(icews_lines()))).frame
    rows = [acled_row(e) for e in acled_events()]
    ac = read_events(write(tmp_path / "a.csv", acled_text(rows))).frame
    for other in (g2, ic):
        pd.testing.assert_frame_equal(g1[COMMON_COLS], other[COMMON_COLS], check_dtype=False)
    sub = g1.loc[g1["code"].isin([e.code for e in acled_events()]), COMMON_COLS]
    pd.testing.assert_frame_equal(
        sub.reset_index(drop=True), ac[COMMON_COLS].reset_index(drop=True), check_dtype=False
    )


COMMON_COLS = ["date", "actor", "target", "code", "root", "goldstein"]


def test_codes_keep_leading_zeros(tmp_path: Path) -> None:
    frame = read_events(_gdelt_file(tmp_path, 2)).frame
    assert frame["code"].iloc[0] == "036"
    assert frame["root"].iloc[0] == "03"
    assert all(isinstance(c, str) for c in frame["code"])


def test_gdelt_malformed_lines_are_counted_with_line_numbers(tmp_path: Path) -> None:
    good = gdelt_lines(2)
    short = "\t".join(gdelt_fields(EVENTS[0], version=2)[:-1])  # 60 fields
    bad_date = gdelt_fields(EVENTS[1], version=2)
    bad_date[1] = "20221350"
    bad_gold = gdelt_fields(EVENTS[2], version=2)
    bad_gold[30] = "strong"
    bad_code = gdelt_fields(EVENTS[3], version=2)
    bad_code[26] = "03X"
    lines = [
        good[0],  # 1
        short,  # 2
        good[1],  # 3
        "\t".join(bad_date),  # 4
        "",  # 5 blank
        "\t".join(bad_gold),  # 6
        "\t".join(bad_code),  # 7
        good[2] + "\textra",  # 8: 62 fields
        good[3],  # 9
    ]
    path = write(tmp_path / "mixed.export.CSV", "\n".join(lines) + "\n")
    data = read_events(path)
    (report,) = data.reports
    assert report.format == "gdelt2"
    assert report.malformed == 5
    assert [m.line for m in report.examples] == [2, 4, 6, 7, 8]
    assert report.malformed_reasons == {
        "wrong field count": 2,
        "bad date": 1,
        "non-numeric field": 1,
        "bad event code": 1,
    }
    reasons = {m.line: m.reason for m in report.examples}
    assert "found 60" in reasons[2]
    assert "found 62" in reasons[8]
    assert "SQLDATE='20221350'" in reasons[4]
    assert "GoldsteinScale='strong'" in reasons[6]
    assert report.blank == 1
    assert data.frame["source_line"].tolist() == [1, 3, 9]
    assert report.records == 8
    assert "line 4: bad date" in report.explain()
    assert report.to_dict()["examples"][0] == {"line": 2, "reason": reasons[2]}


def test_icews_malformed_lines(tmp_path: Path) -> None:
    lines = icews_lines(EVENTS[:4])
    short = icews_fields(EVENTS[4])[:-1]
    bad_date = icews_fields(EVENTS[5])
    bad_date[1] = "2022-13-01"
    bad_int = icews_fields(EVENTS[6])
    bad_int[7] = "high"
    lines += ["\t".join(short), "\t".join(bad_date), "\t".join(bad_int)]
    data = read_events(write(tmp_path / "icews.tab", "\n".join(lines) + "\n"))
    (report,) = data.reports
    assert [(m.line, m.reason.split(":")[0]) for m in report.examples] == [
        (6, "wrong field count"),
        (7, "bad date"),
        (8, "non-numeric field"),
    ]
    assert len(data.frame) == 4


def test_acled_malformed_records(tmp_path: Path) -> None:
    evs = acled_events()
    rows = [acled_row(e) for e in evs]
    rows[1]["event_date"] = "31 Foo 2022"
    rows[2]["fatalities"] = "many"
    text = acled_text(rows, extra=["UKR1,2022-12-06,too,few,fields"])
    data = read_events(write(tmp_path / "acled.csv", text))
    (report,) = data.reports
    assert [(m.line, m.reason.split(":")[0]) for m in report.examples] == [
        (4, "bad date"),
        (6, "non-numeric field"),
        (10, "wrong field count"),
    ]
    assert len(data.frame) == 2


def test_acled_types_without_cameo_equivalent_are_counted(tmp_path: Path) -> None:
    row = acled_row(acled_events()[0])
    row["event_type"], row["sub_event_type"] = "Strategic developments", "Other"
    rows = [row, acled_row(acled_events()[1])]
    data = read_events(write(tmp_path / "acled.csv", acled_text(rows)))
    (report,) = data.reports
    assert report.skipped == {"no CAMEO equivalent for 'Other'": 1}
    assert report.malformed == 0
    assert len(data.frame) == 1


def test_acled_generic_actor_takes_the_event_country(tmp_path: Path) -> None:
    row = acled_row(acled_events()[2])
    row["actor1"] = "Protesters"
    data = read_events(write(tmp_path / "acled.csv", acled_text([row])))
    assert data.frame["actor"].tolist() == ["UKR"]


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.tsv", "a\tb\tc\n1\t2\t3\n")
    with pytest.raises(InputError, match=r"lines have 3 tab-separated fields"):
        read_events(path)
    path = write(tmp_path / "odd.csv", "name,value\nx,1\n")
    with pytest.raises(InputError, match=r"no ACLED CSV header"):
        read_events(path)
    with pytest.raises(InputError, match="empty"):
        read_events(write(tmp_path / "empty.csv", ""))
    with pytest.raises(InputError, match="no such event file"):
        read_events(tmp_path / "missing.csv")


def test_acled_header_missing_columns_names_them(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "event_id_cnty,event_dat,event_type,sub_event_type,actor1\n")
    with pytest.raises(InputError, match=r"event_date.*did you mean 'event_dat'"):
        read_events(path)


def test_format_override_must_match(tmp_path: Path) -> None:
    path = _gdelt_file(tmp_path, 2)
    assert detect_format(path).name == "gdelt2"
    with pytest.raises(InputError, match="not icews"):
        read_events(path, format="icews")
    with pytest.raises(InputError, match="unknown event format"):
        detect_format(path, format="gdlet2")


def test_actor_and_date_filters(tmp_path: Path) -> None:
    path = _gdelt_file(tmp_path, 2)
    data = read_events(path, actors=["ukr"])
    assert all("UKR" in (a, t) for a, t in zip(data.frame["actor"], data.frame["target"],
                                                strict=True))  # fmt: skip
    assert len(data.frame) == 6
    both = read_events(path, actors=["RUS", "UKR"], both=True)
    assert len(both.frame) == 3
    dated = read_events(path, start="2022-11-15", end="2022-12-02")
    assert dated.frame["date"].min() == pd.Timestamp("2022-11-15")
    assert dated.frame["date"].max() == pd.Timestamp("2022-12-02")
    assert dated.reports[0].filtered == 5
    with pytest.raises(InputError, match="not a date"):
        read_events(path, start="yesterday")


def test_duplicates_are_dropped_and_counted(tmp_path: Path) -> None:
    a = _gdelt_file(tmp_path, 2)
    b = write(tmp_path / "copy.CSV", a.read_text())
    data = read_events([a, b])
    assert len(data.frame) == len(EVENTS)
    assert [r.duplicates for r in data.reports] == [0, len(EVENTS)]
    assert data.reports[1].kept == 0
    lines = gdelt_lines(2)
    twin = gdelt_fields(EVENTS[0], version=2)
    twin[0] = "1069999999"  # new id, same day, actors and code
    c = write(tmp_path / "twin.CSV", "\n".join([*lines, "\t".join(twin)]))
    assert len(read_events(c).frame) == len(EVENTS) + 1
    assert len(read_events(c, same_day_duplicates=True).frame) == len(EVENTS)


def test_weighting_by_sources(tmp_path: Path) -> None:
    path = _gdelt_file(tmp_path, 2)
    weighted = read_events(path).frame
    assert weighted["weight"].tolist() == [float(e.sources) for e in EVENTS]
    flat = read_events(path, weight_by_sources=False).frame
    assert (flat["weight"] == 1.0).all()


def test_zip_with_several_members_reads_each(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "two.zip"
    lines = gdelt_lines(2)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.CSV", "\n".join(lines[:4]) + "\n")
        zf.writestr("b.CSV", "\n".join(lines[4:]) + "\n")
    data = read_events(path)
    assert_common(data.frame, expected())
    assert [r.file.split(":")[-1] for r in data.reports] == ["a.CSV", "b.CSV"]


@pytest.mark.parametrize("block", [60, 700, 5000])
def test_block_size_does_not_change_the_result(tmp_path: Path, block: int) -> None:
    rows = [acled_row(e) for e in acled_events()]
    rows[1]["event_date"] = "bad"
    ac = write(tmp_path / "a.csv", acled_text(rows))
    g = write(tmp_path / "g.CSV", "\n".join([*gdelt_lines(2), "x\ty"]) + "\n")
    for path in (ac, g):
        ref = read_events(path)
        small = read_events(path, block_bytes=block)
        pd.testing.assert_frame_equal(ref.frame, small.frame)
        assert ref.reports[0].examples == small.reports[0].examples
        assert ref.reports[0].lines == small.reports[0].lines


def test_empty_numeric_field_is_reported(tmp_path: Path) -> None:
    fields = gdelt_fields(EVENTS[0], version=2)
    fields[32] = ""  # NumSources
    lines = [*gdelt_lines(2)[1:], "\t".join(fields)]
    data = read_events(write(tmp_path / "g.CSV", "\n".join(lines)))
    (report,) = data.reports
    assert [(m.line, m.reason) for m in report.examples] == [
        (len(EVENTS), "non-numeric field: NumSources=''")
    ]


def test_icews_restores_lost_zeros_and_reports_unknown_countries(tmp_path: Path) -> None:
    rows = [icews_fields(e) for e in EVENTS[:2]]
    rows[0][6] = "36"  # a spreadsheet dropped the leading zero
    rows[1][10] = "Ruritania"
    text = "\n".join(["\t".join(icews_lines()[0].split("\t")), *("\t".join(r) for r in rows)])
    data = read_events(write(tmp_path / "i.tab", text))
    assert data.frame["code"].tolist() == ["036", "190"]
    assert data.frame["target"].tolist() == ["RUS", ""]
    (report,) = data.reports
    assert report.unknown_countries == {"Ruritania": 1}
    assert "Ruritania" in data.explain()
    assert data.to_dict()["reports"][0]["unknown_countries"] == {"Ruritania": 1}
