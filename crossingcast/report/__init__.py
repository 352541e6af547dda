"""Reports: forecast tables (CSV / Markdown / HTML) and the self-contained HTML briefing.

:func:`write_table` / :func:`format_table` export tables (:mod:`crossingcast.report.tables`);
:func:`briefing` builds one HTML file a policy analyst can e-mail (:mod:`crossingcast.report.briefing`).
"""

from crossingcast.report.briefing import SECTIONS, Briefing, briefing
from crossingcast.report.tables import TABLE_FORMATS, format_table, write_table

__all__ = ["SECTIONS", "TABLE_FORMATS", "Briefing", "briefing", "format_table", "write_table"]
