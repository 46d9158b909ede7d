"""Signals through which the apps above the assessment follow its cycles (DESIGN §4: a
lower app never imports a higher one; the higher app connects in its ``AppConfig.ready()``).

``cycle_finalised`` is sent inside the finalising transaction, once the cycle's status is
``finalised``, with ``cycle`` and ``actor`` (who finalised). A receiver that starts
background work enqueues it on commit, so a finalise that rolls back starts nothing; a
receiver that raises rolls the finalise back.
"""

from __future__ import annotations

from django.dispatch import Signal

cycle_finalised = Signal()
