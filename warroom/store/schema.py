"""Typed ORM schema of the poll store."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    # Named constraints keep Alembic batch migrations on SQLite workable.
    metadata = MetaData(
        naming_convention={
            "pk": "pk_%(table_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ix": "ix_%(column_0_label)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
        }
    )


class ContestRow(Base):
    __tablename__ = "contest"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    election_date: Mapped[date]
    system: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    office: Mapped[str] = mapped_column(String(200), default="", server_default="")
    area: Mapped[str] = mapped_column(String(200), default="", server_default="")
    second_round_date: Mapped[date | None]
    # The counting rules as a JSON object of core.types.Rules fields; NULL: the system's usual rules.
    rules_json: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The past contest whose count gives this race's default transfers (by name; "" none). A name, not a
    # foreign key: the past contest may be deleted or renamed, and then the priors simply stop applying.
    transfer_prior: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # A two-round race's expected first round (core.types.ExpectedTurnout: turnout % of registered, blank and null %
    # of votes cast, registered voters), for a first round read from its polls; all three NULL: not set.
    expected_turnout: Mapped[float | None] = mapped_column(Float)
    expected_blank_null: Mapped[float | None] = mapped_column(Float)
    expected_registered: Mapped[int | None] = mapped_column(Integer)
    parties: Mapped[list[PartyRow]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", order_by="PartyRow.position"
    )
    candidates: Mapped[list[CandidateRow]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", order_by="CandidateRow.position"
    )
    polls: Mapped[list[PollRow]] = relationship(back_populates="contest", cascade="all, delete-orphan")


class PartyRow(Base):
    __tablename__ = "party"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    colour: Mapped[str] = mapped_column(String(9))
    position: Mapped[int] = mapped_column(Integer, default=0)
    contest: Mapped[ContestRow] = relationship(back_populates="parties")


class CandidateRow(Base):
    __tablename__ = "candidate"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    party_code: Mapped[str | None] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(9))
    position: Mapped[int] = mapped_column(Integer, default=0)
    short_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    contest: Mapped[ContestRow] = relationship(back_populates="candidates")


class PollRow(Base):
    __tablename__ = "poll"
    # One poll per pollster and fieldwork window: the duplicate check the database itself enforces.
    # AUTOINCREMENT: ids are never reused, so undoing a delete can put a poll back under its own id.
    __table_args__ = (
        UniqueConstraint("contest_id", "pollster", "fieldwork_start", "fieldwork_end"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    pollster: Mapped[str] = mapped_column(String(120), index=True)
    client: Mapped[str] = mapped_column(String(120), default="")
    fieldwork_start: Mapped[date]
    fieldwork_end: Mapped[date] = mapped_column(index=True)
    published: Mapped[date | None]
    sample_size: Mapped[int | None]  # NULL: not published
    method: Mapped[str] = mapped_column(String(60), default="")
    source_url: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    contest: Mapped[ContestRow] = relationship(back_populates="polls")
    figures: Mapped[list[PollFigureRow]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", passive_deletes=True
    )
    transfers: Mapped[list[TransferRow]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", passive_deletes=True
    )


class PollFigureRow(Base):
    """One published share: kind is 'first' (first round), 'second' (head-to-head) or 'party' (voting intention)."""

    __tablename__ = "poll_figure"
    __table_args__ = (UniqueConstraint("poll_id", "kind", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(40))
    share: Mapped[float] = mapped_column(Float)
    poll: Mapped[PollRow] = relationship(back_populates="figures")


class TransferRow(Base):
    """An observed second-preference split: share % of from_code's voters go to to_code (or exhausted)."""

    __tablename__ = "transfer_split"
    __table_args__ = (UniqueConstraint("poll_id", "from_code", "to_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    from_code: Mapped[str] = mapped_column(String(40))
    to_code: Mapped[str] = mapped_column(String(40))
    share: Mapped[float] = mapped_column(Float)
    poll: Mapped[PollRow] = relationship(back_populates="transfers")


class AnnotationRow(Base):
    __tablename__ = "annotation"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    text: Mapped[str] = mapped_column(String(200))


class ScenarioRow(Base):
    __tablename__ = "scenario"
    __table_args__ = (UniqueConstraint("contest_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    baseline_json: Mapped[str] = mapped_column(Text)
    settings_json: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    saved_at: Mapped[datetime] = mapped_column(server_default=func.now())


class OfficialResultRow(Base):
    """A contest's official result (core.types.OfficialResult as a JSON object): at most one per contest."""

    __tablename__ = "official_result"
    __table_args__ = (UniqueConstraint("contest_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    result_json: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(server_default=func.now())


class IrvPriorRow(Base):
    """A contest's instant-runoff transfer prior, from last election's ballots (store.irv_priors): at most one.

    prior_json holds the core.irv_scenario.IrvScenario (codes, first-round shares, next-preference matrix) as a
    JSON object; source says which ballots it came from.
    """

    __tablename__ = "irv_prior"
    __table_args__ = (UniqueConstraint("contest_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text, default="", server_default="")
    prior_json: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(server_default=func.now())


class RevisionRow(Base):
    """A single counter bumped by every write: how other processes notice a change cheaply."""

    __tablename__ = "store_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


# --- two-round campaigns: poll notices with several questions, transfer matrices, official rounds ---------------
#
# A French poll notice is one fieldwork that publishes several questions (first-round hypotheses, runoff
# matchups). The notice is its own table, not a `poll` row: a London poll's figures answer one question and its
# duplicate check is per fieldwork, while a notice's duplicates are judged per question (store/questions.py).
# Candidates are kept by the name the source prints ("Emmanuel Macron"), as the core types carry them.


class PollNoticeRow(Base):
    """One published poll notice of a two-round campaign."""

    __tablename__ = "poll_notice"
    # source_key is the compilation's poll id ("" for a notice read from a poll CSV): two notices of one
    # pollster with the same fieldwork (a rolling and a one-off Ipsos poll in 2022) are different notices.
    __table_args__ = (UniqueConstraint("contest_id", "source_key", "pollster", "fieldwork_start", "fieldwork_end"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    source_key: Mapped[str] = mapped_column(String(80), default="")
    pollster: Mapped[str] = mapped_column(String(120))
    client: Mapped[str] = mapped_column(String(200), default="")
    fieldwork_start: Mapped[date]
    fieldwork_end: Mapped[date] = mapped_column(index=True)
    sample_size: Mapped[int | None]
    population: Mapped[str] = mapped_column(String(120), default="")
    rolling: Mapped[bool | None]
    source: Mapped[str] = mapped_column(String(200), default="")


class PollQuestionRow(Base):
    """A question of a notice: round 1 is a first-round hypothesis, round 2 a runoff matchup."""

    __tablename__ = "poll_question"
    __table_args__ = (UniqueConstraint("notice_id", "round", "label"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("poll_notice.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    line: Mapped[int] = mapped_column(Integer, default=0)  # line in the imported file, for messages


class QuestionShareRow(Base):
    """One candidate's share (%) in one question."""

    __tablename__ = "question_share"
    __table_args__ = (UniqueConstraint("question_id", "candidate"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("poll_question.id", ondelete="CASCADE"), index=True)
    candidate: Mapped[str] = mapped_column(String(120))
    share: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)


class TransferMatrixRow(Base):
    """A published vote-transfer matrix ("report de voix") between two finalists."""

    __tablename__ = "transfer_matrix"
    __table_args__ = (UniqueConstraint("contest_id", "source_key", "pollster", "fieldwork_start", "fieldwork_end"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    source_key: Mapped[str] = mapped_column(String(80), default="")
    pollster: Mapped[str] = mapped_column(String(120))
    fieldwork_start: Mapped[date]
    fieldwork_end: Mapped[date]
    finalist_a: Mapped[str] = mapped_column(String(120))
    finalist_b: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(200), default="")


class TransferMatrixCellRow(Base):
    """One first-round electorate's row of a matrix (% to A, to B, to neither), summing to about 100."""

    __tablename__ = "transfer_matrix_row"
    __table_args__ = (UniqueConstraint("matrix_id", "electorate"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    matrix_id: Mapped[int] = mapped_column(ForeignKey("transfer_matrix.id", ondelete="CASCADE"), index=True)
    electorate: Mapped[str] = mapped_column(String(120))
    to_a: Mapped[float] = mapped_column(Float)
    to_b: Mapped[float] = mapped_column(Float)
    neither: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    line: Mapped[int] = mapped_column(Integer, default=0)


class OfficialRoundRow(Base):
    """One round's official figures (core.france.RoundResult): votes per candidate as a JSON object in ballot
    order, registered voters, votes cast, blank and null."""

    __tablename__ = "official_round"
    __table_args__ = (UniqueConstraint("contest_id", "round"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    day: Mapped[date]
    registered: Mapped[int] = mapped_column(Integer)
    voters: Mapped[int] = mapped_column(Integer)
    blank_null: Mapped[int] = mapped_column(Integer)
    votes_json: Mapped[str] = mapped_column(Text)
