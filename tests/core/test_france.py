"""The French compilations' parsers: counts against the real files, and every kind of bad row refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from warroom.core.france import (
    ABSTAINERS,
    FranceFormatError,
    counts,
    mieuxvoter_notice_id,
    name_key,
    parse_mieuxvoter,
    parse_nsppolls_polls,
    parse_nsppolls_reports,
    parse_official_results,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "data" / "france_2022"
SHARED = ROOT.parent / "shared" / "data"  # the team's full copies; tests that need them skip where absent

NSP_HEADER = (
    "candidat,parti,intentions,erreur_sup,erreur_inf,id,nom_institut,commanditaire,debut_enquete,fin_enquete,"
    "echantillon,population,rolling,media,tour,hypothese,sous_echantillon\n"
)


def nsp_row(name: str, share: str, *, pid: str = "p1", tour: str = "Premier tour", hyp: str = "", **kw: str) -> str:
    cells = {
        "institut": "Ifop",
        "client": "Le Figaro",
        "start": "2022-04-01",
        "end": "2022-04-03",
        "n": "1500",
        "rolling": "False",
    } | kw
    return (
        f'{name},Parti,{share},1,1,{pid},{cells["institut"]},"{cells["client"]}",{cells["start"]},{cells["end"]},'
        f"{cells['n']},Inscrits,{cells['rolling']},True,{tour},{hyp},1200\n"
    )


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    return path


# --- NSPPolls polls ---------------------------------------------------------------------------------------


def test_one_notice_holds_its_hypotheses_and_matchups() -> None:
    text = NSP_HEADER + "".join(
        [
            nsp_row("Emmanuel Macron", "27", hyp="Hypothèse A"),
            nsp_row("Marine Le Pen", "22", hyp="Hypothèse A"),
            nsp_row("Emmanuel Macron", "28", hyp="Hypothèse B"),
            nsp_row("Eric Zemmour", "12", hyp="Hypothèse B"),
            nsp_row("Emmanuel Macron", "54.5", tour="Deuxième tour", hyp="Hypothèse Macron / Le Pen"),
            nsp_row("Marine Le Pen", "45.5", tour="Deuxième tour", hyp="Hypothèse Macron / Le Pen"),
        ]
    )
    (notice,) = parse_nsppolls_polls(text)
    assert (notice.institute, notice.client, notice.sample_size, notice.rolling) == ("Ifop", "Le Figaro", 1500, False)
    assert (notice.fieldwork_start, notice.fieldwork_end) == (date(2022, 4, 1), date(2022, 4, 3))
    assert [h.label for h in notice.hypotheses] == ["Hypothèse A", "Hypothèse B"]
    assert notice.hypotheses[1].shares == {"Emmanuel Macron": 28.0, "Eric Zemmour": 12.0}
    assert notice.hypotheses[0].line == 2
    matchup = notice.matchup("marine le pen", "EMMANUEL MACRON")
    assert matchup is not None and (matchup.a, matchup.a_share, matchup.b_share) == ("Emmanuel Macron", 54.5, 45.5)
    assert counts([notice]) == counts([notice])  # value type
    assert counts([notice]).rows == 6


def test_every_bad_row_is_reported_with_line_and_column_and_nothing_is_returned() -> None:
    text = NSP_HEADER + "".join(
        [
            nsp_row("Emmanuel Macron", "abc"),  # line 2
            nsp_row("Marine Le Pen", "120"),  # line 3
            nsp_row("Eric Zemmour", "12", end="2022-03-01"),  # line 4: ends before it starts
            nsp_row("Anne Hidalgo", "3", n="-5", pid="p2"),  # line 5
            nsp_row("Yannick Jadot", "5", tour="Troisième tour", pid="p3"),  # line 6
            nsp_row("Yannick Jadot", "5", pid="p4", start="2022-02-30"),  # line 7
            nsp_row("Emmanuel Macron", "50", pid="p5", tour="Deuxième tour"),  # line 8: matchup of one
            nsp_row("Jean Lassalle", "3", pid="p6"),  # line 9
            nsp_row("Jean Lassalle", "2", pid="p6"),  # line 10: twice in one hypothesis
            nsp_row("Fabien Roussel", "2", pid="p6", institut="Ipsos"),  # line 11: another institute, same id
        ]
    )
    with pytest.raises(FranceFormatError) as caught:
        parse_nsppolls_polls(text)
    where = {(e.line, e.field) for e in caught.value.errors}
    assert {
        (2, "intentions"),
        (3, "intentions"),
        (4, "fin_enquete"),
        (5, "echantillon"),
        (6, "tour"),
        (7, "debut_enquete"),
        (8, "candidat"),
        (10, "candidat"),
        (11, "id"),
    } <= where
    assert "line 2, intentions" in str(caught.value)


def test_a_row_of_the_wrong_width_and_a_missing_column_are_refused() -> None:
    with pytest.raises(FranceFormatError, match="line 2, row: 3 fields"):
        parse_nsppolls_polls(NSP_HEADER + "a,b,c\n")
    with pytest.raises(FranceFormatError, match="line 1, header: missing column"):
        parse_nsppolls_polls("candidat,intentions\nMacron,27\n")
    with pytest.raises(FranceFormatError, match="empty"):
        parse_nsppolls_polls("")


def test_the_whole_2022_file_imports_without_loss() -> None:
    text = shared("france-2022", "nsppolls_presidentielle.csv").read_text(encoding="utf-8")
    notices = parse_nsppolls_polls(text)
    got = counts(notices)
    data_rows = sum(1 for line in text.splitlines()[1:] if line.strip())
    assert (got.polls, got.hypotheses, got.matchups, got.rows) == (409, 558, 767, data_rows)
    assert data_rows == 8863
    assert {p.institute for p in notices} >= {"Ifop", "Ipsos", "Opinion Way", "Elabe", "Harris Interactive"}
    assert len({p.institute for p in notices}) == 12
    assert notices[0].fieldwork_end <= notices[-1].fieldwork_end == date(2022, 4, 22)


# --- NSPPolls matrices ------------------------------------------------------------------------------------

REPORT_HEADER = "id,candidat_T1,choix_T2,part,id_sondage,debut_enquete,fin_enquete,nom_institut\n"


def report(lines: list[tuple[str, str, str]], pid: str = "m1", start: str = "20 avril 2022") -> str:
    return "".join(
        f"{i},{frm},{to},{part},{pid},{start},22 avril 2022,Ipsos\n" for i, (frm, to, part) in enumerate(lines)
    )


def test_matrices_read_rows_abstainers_and_french_dates() -> None:
    cells = [
        ("Jean-Luc Mélenchon", "Emmanuel Macron", "41"),
        ("Jean-Luc Mélenchon", "Marine Le Pen", "21"),
        ("Jean-Luc Mélenchon", "Abstention", "38"),
        ("Abstention", "Emmanuel Macron", "25"),
        ("Abstention", "Marine Le Pen", "21"),
        ("Abstention", "Abstention", "54"),
    ]
    (matrix,) = parse_nsppolls_reports("\ufeff" + REPORT_HEADER + report(cells, start="1er avril 2022"))
    assert (matrix.a, matrix.b, matrix.institute) == ("Emmanuel Macron", "Marine Le Pen", "Ipsos")
    assert (matrix.fieldwork_start, matrix.fieldwork_end) == (date(2022, 4, 1), date(2022, 4, 22))
    mel = matrix.rows["Jean-Luc Mélenchon"]
    assert (mel.to_a, mel.to_b, mel.neither, mel.line) == (41.0, 21.0, 38.0, 2)
    assert matrix.rows[ABSTAINERS].neither == 54.0


def test_bad_matrices_are_refused_with_their_lines() -> None:
    cells = [
        ("Yannick Jadot", "Emmanuel Macron", "65"),  # line 2
        ("Yannick Jadot", "Marine Le Pen", "7"),
        ("Yannick Jadot", "Abstention", "38"),  # row sums to 110
        ("Eric Zemmour", "Emmanuel Macron", "9"),  # line 5
        ("Eric Zemmour", "Emmanuel Macron", "9"),  # line 6: twice
        ("Eric Zemmour", "Abstention", "13"),  # no Le Pen figure
    ]
    text = REPORT_HEADER + report(cells) + report([("X", "Emmanuel Macron", "x")], pid="m2", start="31 avril 2022")
    with pytest.raises(FranceFormatError) as caught:
        parse_nsppolls_reports(text)
    where = {(e.line, e.field) for e in caught.value.errors}
    assert {(2, "part"), (6, "choix_T2"), (5, "choix_T2"), (8, "part"), (8, "debut_enquete")} <= where


def test_the_35_published_2022_matrices_import() -> None:
    matrices = parse_nsppolls_reports((SHIPPED / "nsppolls_reports.csv").read_text(encoding="utf-8"))
    assert len(matrices) == 35
    assert sum(len(m.rows) for m in matrices) * 3 == 609  # every cell of the file is in a row
    assert {(m.a, m.b) for m in matrices} == {("Emmanuel Macron", "Marine Le Pen")}
    assert sum(ABSTAINERS in m.rows for m in matrices) == 7
    assert len({m.institute for m in matrices}) == 9
    last_ow = [m for m in matrices if m.institute == "Opinion Way"][-1]
    assert last_ow.rows["Jean-Luc Mélenchon"].to_a == 54.0  # the figure the issue quotes for OpinionWay


def test_shipped_copy_of_the_matrices_is_the_shared_file() -> None:
    assert (SHIPPED / "nsppolls_reports.csv").read_bytes() == shared("france-2022", "nsppolls_reports.csv").read_bytes()


# --- official results ---------------------------------------------------------------------------------------


def test_official_results_add_up() -> None:
    results = parse_official_results(
        (SHIPPED / "official_results.csv").read_text(encoding="utf-8"), (SHIPPED / "turnout.csv").read_text()
    )
    one, two = results[1], results[2]
    assert len(one.votes) == 12 and one.valid == 35_132_947 and one.abstainers == 12_824_169
    assert two.share("Emmanuel Macron") == pytest.approx(58.55, abs=0.005)
    assert two.blank_null == 3_039_153


def test_official_results_that_do_not_add_up_are_refused() -> None:
    results = "round,date,candidate,party,votes,pct_of_valid\n1,2022-04-10,A,P,100,50\n1,2022-04-10,B,P,100,50\n"
    turnout = "round,registered,voters,blank,null,blank_and_null,valid\n1,1000,210,,,10,201\n"
    with pytest.raises(FranceFormatError, match="line 2, valid"):
        parse_official_results(results, turnout)


# --- Mieux Voter --------------------------------------------------------------------------------------------

MV_POLLS = (
    "poll_id,hypothese,nom_institut,commanditaire,debut_enquete,fin_enquete,echantillon,population,rolling,media,"
    "tour,filename\n"
)
MV_RESULTS = (
    "poll_id,hypothese,nom_institut,commanditaire,debut_enquete,fin_enquete,echantillon,population,rolling,media,"
    "tour,filename,candidate_id,candidat,complete_name,name,surname,parti,annonce_candidature,retrait_candidature,"
    "second_round,intentions,erreur_sup,erreur_inf\n"
)
MV_HYP = 'id_hypothese,hypothese_complete,commentaire\nH1,"Édouard Philippe,Marine Le Pen,",x\nH2_1,"A,B",y\n'
MV_CAND = (
    "candidate_id,complete_name,name,surname,parti,annonce_candidature,retrait_candidature,second_round\n"
    "EP,Édouard Philippe,Édouard,Philippe,Horizon,,,\nMLP,Marine Le Pen,Marine,Le Pen,RN,,2026-07-07,\n"
)


def mv_poll(qid: str, hyp: str, tour: str, **kw: str) -> str:
    return f"{qid},{hyp},Ifop,LCI,2026-05-26,{kw.get('end', '2026-05-28')},{kw.get('n', '1000')},adultes,,True,{tour},f.pdf\n"


def mv_result(qid: str, hyp: str, tour: str, cid: str, share: str) -> str:
    name = {"EP": "Édouard Philippe", "MLP": "Marine Le Pen"}.get(cid, cid)
    return (
        f"{qid},{hyp},Ifop,LCI,2026-05-26,2026-05-28,1000,adultes,,True,{tour},f.pdf,{cid},{name},{name},x,y,P,,,,"
        f"{share},1,-1\n"
    )


def test_mieuxvoter_questions_group_into_notices() -> None:
    polls = (
        MV_POLLS + mv_poll("20260526_0528_if_A", "H1", "1er Tour") + mv_poll("20260526_0528_if_B", "H2_1", "2nd Tour")
    )
    results = MV_RESULTS + "".join(
        [
            mv_result("20260526_0528_if_A", "H1", "1er Tour", "EP", "20"),
            mv_result("20260526_0528_if_A", "H1", "1er Tour", "MLP", "33"),
            mv_result("20260526_0528_if_B", "H2_1", "2nd Tour", "EP", "48"),
            mv_result("20260526_0528_if_B", "H2_1", "2nd Tour", "MLP", "52"),
        ]
    )
    campaign = parse_mieuxvoter(polls, MV_HYP, MV_CAND, results)
    (notice,) = campaign.notices
    assert notice.id == "20260526_0528_if" and notice.client == "LCI" and notice.sample_size == 1000
    assert notice.hypotheses[0].shares == {"Édouard Philippe": 20.0, "Marine Le Pen": 33.0}
    assert notice.hypotheses[0].label == "H1"
    assert notice.matchups[0].share_of("Marine Le Pen") == 52.0
    assert campaign.candidates["MLP"].withdrawn == date(2026, 7, 7)
    assert campaign.hypotheses["H1"] == ("Édouard Philippe", "Marine Le Pen")


def test_mieuxvoter_cross_file_problems_are_all_reported() -> None:
    polls = MV_POLLS + mv_poll("q_1_if_A", "H9", "1er Tour") + mv_poll("q_1_if_B", "H1", "1er Tour", n="lots")
    with pytest.raises(FranceFormatError) as caught:
        parse_mieuxvoter(polls, MV_HYP, MV_CAND, MV_RESULTS)
    assert caught.value.source == "polls.csv"
    assert {(e.line, e.field) for e in caught.value.errors} == {(2, "hypothese"), (3, "echantillon")}
    polls = MV_POLLS + mv_poll("q_1_if_A", "H1", "1er Tour") + mv_poll("q_1_if_B", "H2_1", "2nd Tour")
    results = MV_RESULTS + "".join(
        [
            mv_result("q_1_if_A", "H1", "1er Tour", "EP", "20"),
            mv_result("q_1_if_A", "H1", "1er Tour", "ZZ", "20"),  # line 3: unknown candidate
            mv_result("q_1_if_C", "H1", "1er Tour", "EP", "20"),  # line 4: unknown question
            mv_result("q_1_if_B", "H2_1", "2nd Tour", "EP", "101"),  # line 5: share over 100
        ]
    )
    with pytest.raises(FranceFormatError) as caught:
        parse_mieuxvoter(polls, MV_HYP, MV_CAND, results)
    where = {(e.line, e.field) for e in caught.value.errors}
    assert {(3, "candidate_id"), (4, "poll_id"), (5, "intentions"), (3, "poll_id")} <= where  # 3: B has no rows


def test_the_2027_compilation_imports_without_loss() -> None:
    folder = shared("france-2027")
    polls, hypotheses, candidates, results = (
        (folder / f).read_text(encoding="utf-8")
        for f in ("polls.csv", "hypotheses.csv", "candidats.csv", "presidentielle2027.csv")
    )
    campaign = parse_mieuxvoter(polls, hypotheses, candidates, results)
    got = counts(campaign.notices)
    assert (got.polls, got.hypotheses, got.matchups, got.rows) == (33, 136, 36, 1468)
    assert campaign.questions == 172 and len(campaign.candidates) == 66 and len(campaign.hypotheses) == 86
    for notice in campaign.notices:  # every question's candidates are the list hypotheses.csv gives
        for h in notice.hypotheses:
            if h.label:
                assert {name_key(n) for n in h.shares} == {name_key(n) for n in campaign.hypotheses[h.label]}


def test_helpers() -> None:
    assert name_key("Éric  Zemmour") == name_key("eric zemmour")
    assert name_key("Jean-Luc Mélenchon") == "jean luc melenchon"
    assert mieuxvoter_notice_id("20250423_0424_od_2A") == "20250423_0424_od"
    assert mieuxvoter_notice_id("20251118_1120_ve") == "20251118_1120_ve"


def test_line_endings_and_byte_order_mark_do_not_matter_and_binary_is_refused() -> None:
    text = NSP_HEADER + nsp_row("Emmanuel Macron", "27") + nsp_row("Marine Le Pen", "22")
    windows = "\ufeff" + text.replace("\n", "\r\n")
    assert parse_nsppolls_polls(windows) == parse_nsppolls_polls(text)
    with pytest.raises(FranceFormatError, match="binary"):
        parse_nsppolls_polls(text + "\x00")


def test_one_candidate_spelt_two_ways_in_a_question_is_refused() -> None:
    """Issue 16 hostile pass: 'Marine Le Pen' and 'MARINE LE PEN' (or 'Éric'/'Eric') in one question were two
    names to the reader but one candidate to the poll table (core.two_round_view.NoticeRows keeps one share,
    the last: Le Pen 5 where the poll said 20), and a runoff of a candidate against himself was offered as a
    matchup. Names are compared as everywhere in a two-round contest: france.name_key."""
    text = NSP_HEADER + "".join(
        [
            nsp_row("Marine Le Pen", "20"),
            nsp_row("MARINE LE PEN", "5"),  # line 3
            nsp_row("Emmanuel Macron", "25"),
            nsp_row("Emmanuel Macron", "50", pid="p2", tour="Deuxième tour"),
            nsp_row("emmanuel  macron", "50", pid="p2", tour="Deuxième tour"),  # line 6
        ]
    )
    with pytest.raises(FranceFormatError) as caught:
        parse_nsppolls_polls(text)
    where = {(e.line, e.field) for e in caught.value.errors}
    assert {(3, "candidat"), (6, "candidat")} <= where
    assert "Marine Le Pen" in str(caught.value)
