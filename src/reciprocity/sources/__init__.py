"""What a site says at a date, as an audit sees it: robots.txt and the files beside it (tdmrep.json,
ai.txt, RSL licences), from snapshots, from the audited inputs' own records, or fetched live.

One protocol, :class:`~reciprocity.sources.site.SiteSource`, answers for a document; its parts:
``snapshots`` (files of past fetches), ``inputs`` (site files found among the corpus's records),
``online`` (the live layer over :mod:`reciprocity.fetcher`, which does all fetching, with its
guard and cache), ``asof`` (which dated copy applies) and ``site`` (them together, in order).
"""
