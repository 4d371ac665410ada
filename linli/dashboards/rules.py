"""Rules of the dashboards: the daily briefing (日报) is the town office's.

The briefing is the form a town sends upward, for the whole town: town staff read it, download
it and mark it sent. Committee staff see their committee's figures on their dashboard (the
same reports through their scope), not a committee briefing."""

from __future__ import annotations

import rules

from linli.accounts.rules import is_town_staff

briefing_sender = is_town_staff

rules.add_perm("dashboards.send_briefing", briefing_sender)
