"""The local service basket: coverage of needs, pictures, the resident catalogue, HSDS export and IPUS drafts.

The step's core is :mod:`pzk_kit.basket.coverage`; its public names are importable from here as well, as they were
when ``pzk_kit.basket`` was one module. They load on first use (:mod:`pzk_kit.step_package`), so importing a
submodule (say ``pzk_kit.basket.hsds``) does not pull in the whole step.
"""

from pzk_kit.step_package import forward_to

__getattr__, __dir__ = forward_to("pzk_kit.basket.coverage", globals())
