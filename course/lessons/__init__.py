"""What the lesson notebooks use beyond the science: helpers and SYNTHETIC demonstrations.

Modules
-------
helpers
    Short helpers for lesson cells: the few maths names a hand calculation needs, progress and
    comparison plots, a demo learner log.
demos
    SYNTHETIC demonstration sequences (clearly labelled) for each self-test, so every lesson
    runs without a camera.
stick_figure
    The one stick-figure body model the demos and the tests are built on.
"""

from __future__ import annotations
