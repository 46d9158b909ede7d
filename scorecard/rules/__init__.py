"""The scorecard's pure rules: scoring against tiers, aggregation, milestone and key-task
points, weight checks (``scoring``), indicator formulas (``expressions``) and the SMART
checklist (``smart``).

Nothing here touches the database: every function takes plain values and returns plain
values, so the rules are tested with hypothesis properties (``tests/test_scorecard_rules.py``)
and ``tests/test_scorecard_layering.py`` fails if a module here imports ``django.db``.
"""
