"""Report-backs members filed between meetings, found for the minutes of a run of sessions.

The minutes of a session list the report-backs members filed with no session live after the
session before it began and before it did (`ParticipantStore.reports_between_meetings`
finds them for one session); a folder export finds them for a run of sessions at once.
"""

from __future__ import annotations

import json

from coptui.store.base import StoreBase

# For each session, the report-backs filed with no session live after the session held before it
# began (walking the date index back) and before it did, not taken back. The times are compared as
# stored, in SQL: a value another tool wrote that is not a time is said by the session's own read.
_FILED_BEFORE = """
WITH windows AS (
    SELECT s.id AS session_id, coalesce((
        SELECT p.started_at FROM sessions p WHERE p.status <> 'planned' AND p.id <> s.id
        AND (p.date, p.id) < (s.date, s.id) ORDER BY p.date DESC, p.id DESC LIMIT 1
    ), '') AS after, coalesce(nullif(s.started_at, ''), '9999') AS until
    FROM sessions s WHERE s.id IN (SELECT value FROM json_each(?))
)
SELECT w.session_id, r.id FROM windows w
JOIN participant_entries e ON e.session_id IS NULL AND e.kind = 'report_back'
    AND e.taken_back_at IS NULL AND e.filed_at > w.after AND e.filed_at < w.until
JOIN report_backs r ON r.id = e.item_id AND r.session_id IS NULL
ORDER BY w.session_id, r.id
"""


class BetweenMeetingsReads(StoreBase):
    """For a folder export's runs of sessions: which report-backs each one's minutes list."""

    def _filed_before(self, ids: list[int]) -> dict[int, list[int]]:
        """For each of sessions `ids` that has any, the report-backs members filed between meetings
        that its minutes list (as `reports_between_meetings` finds them for one session)."""
        found: dict[int, list[int]] = {}
        for session_id, report in self.conn.execute(_FILED_BEFORE, [json.dumps(ids)]):
            found.setdefault(session_id, []).append(report)
        return found
