"""Signals the scorecard app sends for later apps to act on (it never imports them).

``actuals_changed``: actuals of some items changed for one month — after an actual is
entered or approved and after an import commits. Arguments: ``year``, ``month`` and
``item_ids`` (a list of scorecard item ids). Receivers should enqueue work on commit.
"""

import django.dispatch

actuals_changed = django.dispatch.Signal()
