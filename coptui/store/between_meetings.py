"""Report-backs members filed between meetings, found for the minutes of a run of sessions.

The minutes of a session list the report-backs members filed with no session live after the
session before it began and before it did (`ParticipantStore.reports_between_meetings`
finds them for one session); a folder export finds them for a run of sessions at once.
"""

from __future__ import annotations

import json

from coptui.store.base import StoreBase
from coptui.store.rows import stamp, timestamp

# Each session's start, and the start of the session held before it (walking the date index back).
_WINDOWS = (
    "SELECT s.id, s.started_at, (SELECT p.started_at FROM sessions p WHERE p.status <> 'planned' "
    "AND p.id <> s.id AND (p.date, p.id) < (s.date, s.id) ORDER BY p.date DESC, p.id DESC LIMIT 1) "
    "FROM sessions s WHERE s.id IN (SELECT value FROM json_each(?))"
)
# Report-backs members filed with no session live, between two moments, with when each was filed.
_FILED_BETWEEN_MEETINGS = (
    "SELECT r.id, e.filed_at FROM report_backs r JOIN participant_entries e "
    "ON e.kind = 'report_back' AND e.item_id = r.id AND e.session_id IS NULL "
    "WHERE r.session_id IS NULL AND e.taken_back_at IS NULL AND e.filed_at > ? AND e.filed_at < ? "
    "ORDER BY r.id"
)


class BetweenMeetingsReads(StoreBase):
    """For a folder export's runs of sessions: which report-backs each one's minutes list."""

    def _filed_before(self, ids: list[int]) -> dict[int, list[int]]:
        """For each of sessions `ids` that has any, the report-backs members filed between meetings
        that its minutes list: filed after the session before it began and before it did (as
        `reports_between_meetings` finds them for one session), not taken back."""
        windows = [
            (session_id, previous or "", stamp(timestamp(started)) if started else "9999")
            for session_id, started, previous in self.conn.execute(_WINDOWS, [json.dumps(ids)])
        ]
        filed = self.conn.execute(
            _FILED_BETWEEN_MEETINGS, [min(w[1] for w in windows), max(w[2] for w in windows)]
        ).fetchall()
        found = {
            session_id: [report for report, at in filed if after < at < until]
            for session_id, after, until in windows
        }
        return {session_id: reports for session_id, reports in found.items() if reports}
