"""The municipality register (kommuneregisteret): the municipalities a lead can add to a tender, kept by the
system's administrator on a page and by the operator from the command line (``tender municipality``)."""
