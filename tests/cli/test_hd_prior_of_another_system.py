"""Issue 16: `warroom count --save-prior` stores an instant-runoff transfer prior only for an instant-runoff race.

A Supplementary Vote race (London 2012) took one ("Saved as the instant-runoff transfer prior of London Mayor
2012", exit 0): no figure of a Supplementary Vote race reads it, and `contest show` did not list it either. As
`--save-result` refuses a count by another system, `--save-prior` refuses a race of another system."""

from __future__ import annotations

from pathlib import Path

from tests.cli._run import ok, run

LONDON = "London Mayor 2012"


def test_a_prior_is_not_saved_for_a_race_no_instant_runoff_figure_reads(tmp_path: Path, db) -> None:  # type: ignore[no-untyped-def]
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("count,r1,r2\n10,Johnson,Livingstone\n8,Livingstone,Johnson\n3,Paddick,Livingstone\n")
    before = ok("contest", "show", LONDON, *db)
    code, _out, err = run("count", str(ballots), "--system", "irv", "--contest", LONDON, "--save-prior", *db)
    assert code == 1, err
    assert "instant-runoff" in err and "Supplementary Vote" in err and "nothing saved" in err, err
    assert ok("contest", "show", LONDON, *db) == before
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import irv_priors
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path / "state")
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    try:
        with store.sessions() as s:
            london = repo.get_contest(s, LONDON)
            assert london is not None and irv_priors.get_irv_prior(s, london.id or 0) is None
    finally:
        store.close()
