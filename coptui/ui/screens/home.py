"""The app's home: the repertoire browser, opened on the community overview.

The overview keeps what the home always showed — recent sessions, open actions
and the latest cases — as its list, with the community's summary beside it.
Commands that belong to the home rather than to browsing go here.
"""

from __future__ import annotations

from coptui.ui.screens.browser import BrowserScreen


class HomeScreen(BrowserScreen):
    pass
