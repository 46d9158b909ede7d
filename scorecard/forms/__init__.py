"""Forms of the scorecard pages, one module per concept: ``indicators``, ``scorecards``,
``items`` (goal, monthly plan, milestones), ``cascade`` (and bulk assignment),
``letters``, ``actuals``. Styling and service errors come from ``spm.forms``."""
