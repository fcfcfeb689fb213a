"""Practices in the store: each strategy as a use of one, their ranked track records, and what resembles what.

A practice's track record is kept on its row by the triggers of migration 0011, so the
ranked list reads a page from an index. Similar cases are found by FTS5's bm25 over a
case's title, context and question, with a boost for each topic they share.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from coptui.models import Case, CaseStatus, Practice, ReportBack, Strategy
from coptui.store.base import guarded
from coptui.store.browsing import TRACK_RECORD_SQL, TrackRecord
from coptui.store.cases import CaseStore
from coptui.store.errors import NotFound
from coptui.store.practice_records import PracticeRecord, PracticeStory, PracticeUse, SimilarCase
from coptui.store.rows import COLUMNS, from_row, reader
from coptui.text import strip_controls

# How much alike two cases are: bm25 over their words, each column weighted (a shared
# word in the title says more than one in the context), plus this for each shared topic.
TEXT_WEIGHTS = {"title": 3.0, "context": 1.0, "question": 1.5}
TOPIC_BOOST = 2.0
# Only the newest matches of a case's words are scored: a common word matches a large
# share of a big repertoire, and the recent cases are the ones a member can still ask about.
# Scoring costs about 10 ms a thousand at 100,000 cases (see benchmarks/README.md).
SIMILAR_WINDOW = 1000
# The words of a case that are looked for, title first: a long context adds little beyond these.
MAX_SIMILAR_WORDS = 16

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that say nothing about what a case is about; numbers are left out too.
_STOP_WORDS = frozenset(
    _WORD.findall(
        """
    a about after again all also am an and any are as at be because been before being both but
    by can could did do does doing down during each few for from further had has have having he
    her here hers him his how i if in into is it its itself just me more most my no nor not now
    of off on once only or other our ours out over own same she should so some such than that the
    their theirs them then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours
    always another anyone anything back get gets got go goes going know like make makes
    many much need needs never one people put really right say see still take thing things
    think try tried us use used want way ways week well without work
    """
    )
)

# How many of its latest uses and report-backs a practice's story tells.
STORY_LIMIT = 50
_PRACTICE_COLUMNS = "id, name, created_on, worked, partly, did_not_work, not_tried, evidence, uses, cases"
# Best evidence first; among equals the most tried, then the oldest. `practices_ranked` indexes it.
_RANKED = "evidence DESC, worked + partly + did_not_work DESC, id"


def no_practice(practice_id: int) -> NotFound:
    return NotFound(f"There is no practice {practice_id}.")


def search_words(text: str) -> list[str]:
    """The distinct words of `text` that say what it is about, in the order written."""
    words = dict.fromkeys(word.lower() for word in _WORD.findall(strip_controls(text)))
    return [word for word in words if word not in _STOP_WORDS and len(word) > 1 and not word.isdigit()]


def _any_of(words: Sequence[str], *, last_is_prefix: bool = False) -> str:
    """An FTS5 query matching any of `words`, each quoted so that nothing in it is an operator."""
    quoted = [f'"{word}"' for word in words]
    if last_is_prefix:
        quoted[-1] += "*"
    return " OR ".join(quoted)


class PracticeStore(CaseStore):
    """The practices of a repertoire, and each strategy filed as a use of one."""

    # -- filing -------------------------------------------------------------------

    @guarded
    def add_strategy(self, strategy: Strategy) -> Strategy:
        """File a strategy as a use of its practice: a new one, named by its text, when it names none."""
        with self.transaction():
            if strategy.practice is not None:
                if not self.conn.execute(
                    "SELECT 1 FROM practices WHERE id = ?", [strategy.practice]
                ).fetchone():
                    raise no_practice(strategy.practice)
                return super().add_strategy(strategy)
            filed = super().add_strategy(strategy)
            first_used = self.conn.execute(
                "SELECT coalesce(ss.date, c.opened_on) FROM strategies s JOIN cases c ON c.id = s.case_id "
                "LEFT JOIN sessions ss ON ss.id = s.session_id WHERE s.id = ?",
                [filed.id],
            ).fetchone()[0]
            practice_id = self._insert("practices", {"name": filed.text, "created_on": first_used})
            self.conn.execute("UPDATE strategies SET practice_id = ? WHERE id = ?", [practice_id, filed.id])
        return filed.model_copy(update={"practice": practice_id})

    def _practices_after_load(self) -> None:
        """After a bulk load: a practice for every strategy without one, and every record counted."""
        from coptui.store.schema import own_practice_for_each_strategy, recount_practices  # the migrations'

        own_practice_for_each_strategy(self.db)
        recount_practices(self.db, "SELECT id FROM practices")

    # -- reading --------------------------------------------------------------------

    @guarded
    def practice(self, practice_id: int) -> Practice:
        rows = self._rows(f"SELECT {COLUMNS[Practice]} FROM practices WHERE id = ?", [practice_id])
        if not rows:
            raise no_practice(practice_id)
        return from_row(Practice, rows[0])

    @guarded
    def count_practices(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM practices").fetchone()[0])

    @guarded
    def practices(self, *, limit: int | None = None, offset: int = 0) -> list[PracticeRecord]:
        """Practices ranked by the evidence that they work (see `coptui.store.evidence`), a page at a time."""
        rows = self._rows(
            f"SELECT {_PRACTICE_COLUMNS} FROM practices ORDER BY {_RANKED} LIMIT ? OFFSET ?",
            [-1 if limit is None else limit, offset],
        )
        return self._records(rows)

    @guarded
    def practice_records(self, practice_ids: Iterable[int]) -> dict[int, PracticeRecord]:
        """The record of each practice in `practice_ids` that exists, by id."""
        ids = sorted(set(practice_ids))
        rows = self._rows(
            f"SELECT {_PRACTICE_COLUMNS} FROM practices WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)],
        )
        return {record.practice.id or 0: record for record in self._records(rows)}

    def _records(self, rows: list[dict[str, Any]]) -> list[PracticeRecord]:
        """Records for practice rows (of `_PRACTICE_COLUMNS`), in their order."""
        read = reader(Practice, tuple(COLUMNS[Practice].split(", ")))
        return [
            PracticeRecord(
                practice=read((row["id"], row["name"], row["created_on"])),
                record=TrackRecord(
                    worked=row["worked"],
                    partly=row["partly"],
                    did_not_work=row["did_not_work"],
                    not_tried=row["not_tried"],
                ),
                cases=row["cases"],
                uses=row["uses"],
                evidence=row["evidence"],
            )
            for row in rows
        ]

    @guarded
    def practice_story(self, practice_id: int, *, limit: int | None = STORY_LIMIT) -> PracticeStory:
        """A practice's record, its uses (oldest case first) and the report-backs on it (oldest first).

        Of a practice used on thousands of cases, the latest `limit` uses and report-backs:
        a story is read by a person, and its record counts them all.
        """
        records = self.practice_records([practice_id])
        if practice_id not in records:
            raise no_practice(practice_id)
        strategy_columns = ", ".join(f"s.{column}" for column in COLUMNS[Strategy].split(", "))
        rows = self._rows(
            f"SELECT {strategy_columns}, c.title AS case_title, c.opened_on AS case_opened_on, "
            "c.status AS case_status, ss.title AS session_title, ss.date AS session_date "
            "FROM strategies s JOIN cases c ON c.id = s.case_id "
            "LEFT JOIN sessions ss ON ss.id = s.session_id "
            "WHERE s.practice_id = ? ORDER BY c.opened_on DESC, s.id DESC LIMIT ?",
            [practice_id, -1 if limit is None else limit],
        )[::-1]
        track = self._strategy_track_records([row["id"] for row in rows])
        strategy_fields = COLUMNS[Strategy].split(", ")
        uses = [
            PracticeUse(
                strategy=from_row(Strategy, {column: row[column] for column in strategy_fields}),
                record=track.get(row["id"]) or TrackRecord(),
                case_title=row["case_title"],
                case_opened_on=date.fromisoformat(row["case_opened_on"]),
                case_status=CaseStatus(row["case_status"]),
                session_title=row["session_title"],
                session_date=date.fromisoformat(row["session_date"]) if row["session_date"] else None,
            )
            for row in rows
        ]
        report_columns = ", ".join(f"r.{column}" for column in COLUMNS[ReportBack].split(", "))
        cursor = self.conn.execute(
            f"SELECT {report_columns} FROM report_backs r JOIN actions a ON a.id = r.action_id "
            "JOIN strategies s ON s.id = a.strategy_id WHERE s.practice_id = ? "
            "ORDER BY r.reported_on DESC, r.id DESC LIMIT ?",
            [practice_id, -1 if limit is None else limit],
        )
        read = reader(ReportBack, tuple(COLUMNS[ReportBack].split(", ")))
        return PracticeStory(
            practice=records[practice_id],
            uses=uses,
            report_backs=[read(row) for row in cursor.fetchall()][::-1],
        )

    def _strategy_track_records(self, strategy_ids: list[int]) -> dict[int, TrackRecord]:
        records: dict[int, TrackRecord] = defaultdict(TrackRecord)
        for chunk in range(0, len(strategy_ids), 500):
            ids = strategy_ids[chunk : chunk + 500]
            for strategy_id, outcome, count in self.conn.execute(
                TRACK_RECORD_SQL.format(marks=",".join("?" * len(ids))), ids
            ).fetchall():
                setattr(records[strategy_id], outcome, count)
        return records

    # -- what resembles what ----------------------------------------------------------

    @guarded
    def suggest_practices(self, text: str, *, limit: int = 5) -> list[PracticeRecord]:
        """Practices whose names share words with `text`, most alike first, then best evidence.

        The last word also matches as the start of a word while it is being typed.
        Nothing searchable in `text` (empty, punctuation, only common words): no suggestions.
        """
        words = search_words(text)
        if not words:
            return []
        typing = _WORD.fullmatch(text[-1]) is not None and len(words[-1]) > 1
        rows = self._rows(
            f"SELECT {', '.join(f'p.{c}' for c in _PRACTICE_COLUMNS.split(', '))} FROM ("
            "SELECT rowid, rank FROM practices_fts WHERE practices_fts MATCH :query "
            "ORDER BY rowid DESC LIMIT :window"
            ") AS m JOIN practices p ON p.id = m.rowid ORDER BY m.rank, p.evidence DESC, p.id LIMIT :limit",
            {
                "query": _any_of(words[:MAX_SIMILAR_WORDS], last_is_prefix=typing),
                "window": SIMILAR_WINDOW,
                "limit": limit,
            },
        )
        return self._records(rows)

    @guarded
    def similar_cases(self, case_id: int, *, limit: int = 5, earlier_only: bool = False) -> list[SimilarCase]:
        """Other cases most like case `case_id` (see `similar_to_text`); with `earlier_only`, none
        brought in the same session (in a meeting, those are its agenda, not past experience)."""
        rows = self._rows("SELECT title, context, question, session_id FROM cases WHERE id = ?", [case_id])
        if not rows:
            raise NotFound(f"There is no case {case_id}.")
        topics = [
            row[0]
            for row in self.conn.execute(
                "SELECT topic FROM case_topics WHERE case_id = ? ORDER BY position", [case_id]
            )
        ]
        title, context, question, session_id = rows[0].values()
        return self.similar_to_text(
            title,
            topics,
            context=context,
            question=question,
            exclude=case_id,
            exclude_session=session_id if earlier_only else None,
            limit=limit,
        )

    @guarded
    def similar_to_text(
        self,
        title: str,
        topics: Sequence[str] = (),
        *,
        context: str = "",
        question: str = "",
        exclude: int | None = None,
        exclude_session: int | None = None,
        limit: int = 5,
    ) -> list[SimilarCase]:
        """Cases most like one with this title, context, question and topics, most alike first.

        Alike means bm25 over the words they share (title words weighing most, see
        `TEXT_WEIGHTS`) among the newest `SIMILAR_WINDOW` cases that share any, plus
        `TOPIC_BOOST` for each topic they share; a case sharing only topics can be alike too.
        """
        relevance: dict[int, float] = {}
        words = search_words(f"{title}\n{question}\n{context}")[:MAX_SIMILAR_WORDS]
        if words:
            weights = ", ".join(str(weight) for weight in TEXT_WEIGHTS.values())
            for case_id, score in self.conn.execute(
                f"SELECT rowid, -bm25(cases_fts, {weights}) FROM cases_fts WHERE cases_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT ?",
                [_any_of(words), SIMILAR_WINDOW],
            ):
                relevance[case_id] = score
        shared = self._shared_topics(list(topics), list(relevance), limit + 1)
        for case_id, count in shared.items():
            relevance[case_id] = relevance.get(case_id, 0.0) + TOPIC_BOOST * count
        relevance.pop(exclude or 0, None)
        if exclude_session is not None and relevance:
            for (same_session,) in self.conn.execute(
                "SELECT id FROM cases WHERE session_id = ? AND id IN (SELECT value FROM json_each(?))",
                [exclude_session, json.dumps(list(relevance))],
            ):
                relevance.pop(same_session)
        # Most alike first; of two as alike, the newer.
        best = [
            case_id for case_id, _ in heapq.nlargest(limit, relevance.items(), key=lambda item: item[::-1])
        ]
        return self._similar(best, relevance, shared)

    def _shared_topics(self, topics: list[str], candidates: list[int], most: int) -> dict[int, int]:
        """How many of `topics` each candidate shares; and, of the newest `SIMILAR_WINDOW` cases
        on each topic, the `most` that share the most."""
        if not topics:
            return {}
        topic_list = json.dumps(sorted(set(topics)))
        shared = dict(
            self.conn.execute(
                "SELECT c.value, count(*) FROM json_each(:cases) AS c "
                "JOIN case_topics t ON t.case_id = c.value "
                "WHERE t.topic IN (SELECT value FROM json_each(:topics)) GROUP BY c.value",
                {"topics": topic_list, "cases": json.dumps(candidates)},
            ).fetchall()
        )
        on_topics: Counter[int] = Counter()
        for topic in json.loads(topic_list):
            on_topics.update(
                row[0]
                for row in self.conn.execute(
                    "SELECT case_id FROM case_topics WHERE topic = ? ORDER BY case_id DESC LIMIT ?",
                    [topic, SIMILAR_WINDOW],
                )
            )
        return {**dict(on_topics.most_common(most)), **shared}

    def _similar(
        self, case_ids: list[int], relevance: dict[int, float], shared: dict[int, int]
    ) -> list[SimilarCase]:
        if not case_ids:
            return []
        ids = json.dumps(case_ids)
        cases = {case.id: case for case in self._cases_by_id(ids)}
        records: dict[int, TrackRecord] = defaultdict(TrackRecord)
        for case_id, outcome, count in self.conn.execute(
            "SELECT case_id, outcome, count(*) FROM report_backs "
            "WHERE case_id IN (SELECT value FROM json_each(?)) GROUP BY case_id, outcome",
            [ids],
        ):
            setattr(records[case_id], outcome, count)
        helped: dict[int, list[int]] = defaultdict(list)
        for case_id, practice_id in self.conn.execute(
            "SELECT DISTINCT r.case_id, s.practice_id "
            "FROM report_backs r JOIN actions a ON a.id = r.action_id "
            "JOIN strategies s ON s.id = a.strategy_id "
            "WHERE r.case_id IN (SELECT value FROM json_each(?)) AND r.outcome IN ('worked', 'partly')",
            [ids],
        ):
            helped[case_id].append(practice_id)
        practices = self.practice_records(p for found in helped.values() for p in found)
        return [
            SimilarCase(
                case=cases[case_id],
                relevance=relevance[case_id],
                shared_topics=shared.get(case_id, 0),
                record=records[case_id],
                practices=sorted(
                    (practices[p] for p in helped[case_id] if p in practices),
                    key=lambda found: (-found.evidence, -found.record.tried, found.practice.id or 0),
                ),
            )
            for case_id in case_ids
            if case_id in cases
        ]

    def _cases_by_id(self, ids: str) -> list[Case]:
        """The cases whose ids the JSON list `ids` holds, with their topics."""
        return self._cases_from_rows(
            self._rows(
                f"SELECT {COLUMNS[Case]} FROM cases WHERE id IN (SELECT value FROM json_each(?))", [ids]
            )
        )
