"""A knowledge graph of declassified Cold War documents.

The pipeline follows the data: parse (``document``) -> map (``registry``, ``mapping``)
-> validate (``validate``) -> reason (``reason``) -> store (``store``), driven by ``build``.
"""

__version__ = "0.1.0"
