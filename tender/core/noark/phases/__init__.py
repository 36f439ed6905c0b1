"""The phases of one Noark 5 validation, in the order :mod:`tender.core.noark.validator` runs them.

Each phase is a module of functions taking the shared :class:`~.context.Run`:

1. :mod:`.description` reads the ADDML description and settles the Noark version;
2. :mod:`.schemas` checks the bundled schemas and combines VSM schemas with arkivstruktur.xsd;
3. :mod:`.xmlfiles` streams each XML file once: hashing, schema validation and content handlers;
4. :mod:`.declarations` compares what ADDML declares (files, checksums, counts, flags) with the extract;
5. :mod:`.crosschecks` asks questions over everything collected (systemIDs, references, journals);
6. :mod:`.document_files` hashes the document files and joins them with the document objects;
7. :mod:`.summaries` writes the statistics.
"""
