"""Noark 5 archival extract (arkivuttrekk) validation.

Entry point: :func:`tender.core.noark.validator.validate_path` (or ``validate_source`` for an opened
extract) returns a :class:`tender.core.noark.report.Report`; ``Report.to_json()`` is the stable JSON form
documented in ``docs/noark-report.md``.

Modules, roughly in the order a validation uses them:

* ``source`` – opening folders, zip and tar files safely (input layer): a package with the hostile-input
  guards (``guards``), the extract view (``base``), one module per container (``folder``, ``zip``, ``tar``);
* ``validator`` – the entry point, which runs the phases of ``phases`` (description, schemas, XML files,
  ADDML declarations, cross-checks, document files, statistics) over one shared ``Run`` in turn;
* ``addml`` – reading ``arkivuttrekk.xml``; the Noark version comes from there and nowhere else;
* ``schema`` – our own description of the Noark 5 (v3.1, v4.0, v5.0) and ADDML schemas, the v5.0 code
  lists and the hashes of the published schema files; XSDs are generated from it at run time;
* ``libxml2``, ``records`` and ``scan`` – one streaming pass per XML file, parsed once: schema validation
  reporting every error with its line (libxml2 on a worker thread), whose SAX events also feed the C
  recorder (``_records.c``) that hands the content checks one record per unit (on the caller's thread);
* ``content``, ``journals``, ``documents`` – the checks themselves; ``store`` keeps what grows with the
  extract on disk;
* ``checks`` – the check catalogue and its mapping to Arkade 5's N5.01–N5.64; ``report`` – the result.
"""
