"""The cooperation network: its measures (CONTRACT §3), the map's layout and the pictures.

The step's core is :mod:`pzk_kit.network.measures`; its public names are importable from here as well, as they were
when ``pzk_kit.network`` was one module. They load on first use (:mod:`pzk_kit.step_package`), so importing a
submodule (say ``pzk_kit.network.layout``) does not pull in the whole step.
"""

from pzk_kit.step_package import forward_to

__getattr__, __dir__ = forward_to("pzk_kit.network.measures", globals())
