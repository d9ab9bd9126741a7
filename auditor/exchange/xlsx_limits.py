"""What an NC report workbook can hold, as limits on what the follow-up import reads.

The workbook comes back from the auditee and is untrusted: a few hundred kilobytes of
zip can claim a million rows, a quarter of a million styles or forty million strings.
The import reads it with a streaming parser that counts as it goes and stops at the
first limit passed (`xlsx_reader`), so every workbook under the byte limits is read or
refused within a few seconds and a few hundred MB.

Each limit is what the export (`workbook_export`) can write for the largest audit we
measure (bench/excel.py: 5,000 findings, 1,500 checklist items), with room for what a
spreadsheet application adds when the auditee saves it.
"""

from __future__ import annotations

# -- the file -----------------------------------------------------------------------------

# The zip on disk, and all its parts unpacked (the export of the 5,000-finding audit is
# 0.7 MB, 11 MB unpacked).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Entries in the zip's directory: the export writes 17 parts, Excel and LibreOffice up
# to about 40 (printer settings, custom XML, thumbnails).
MAX_PARTS = 1_000

# -- any XML part the import reads ---------------------------------------------------------

# Elements in all the parts read together (workbook, relations, styles, shared strings,
# the Findings and the hidden sheet): about 220,000 for the 5,000-finding audit. At
# about two microseconds each this bounds the parsing time.
MAX_ELEMENTS = 1_500_000
# Nesting: a cell's text is 7 deep (worksheet/sheetData/row/c/is/r/t), styles and
# extensions about 10.
MAX_DEPTH = 32
# One tag with its attributes, one comment or processing instruction: the parser has to
# hold it whole. The longest the export writes is a data validation's list of cells,
# about 60 KB for 10,000 findings.
MAX_TOKEN_BYTES = 1024 * 1024

# -- the two sheets the import reads (Findings, _auditor) ----------------------------------

# One row per finding: twice the 5,000 findings of the largest audit measured (an ISO
# audit has tens), plus the header and the hidden sheet's 7 rows above the hashes.
MAX_ROWS = 10_000
# The export writes 15 columns (Findings) and 2 (_auditor); the auditee may add some.
MAX_COLUMNS = 40
# Cell elements of one sheet, empty styled ones included: 10,000 rows of the 15
# exported columns, and a third more.
MAX_CELLS = 200_000
# Excel's own limit: no spreadsheet cell holds more characters (the export cuts longer
# texts, `xlsx_text.MAX_CELL_UNITS`).
MAX_CELL_CHARS = 32_767
# Characters kept in memory, over the two sheets and the shared strings together: the
# 5,000-finding audit has about 6 million; at most 4 bytes each in memory.
MAX_TEXT_CHARS = 20_000_000

# -- shared strings (xl/sharedStrings.xml, written by Excel and LibreOffice) -----------------

# One per distinct text of every sheet: the Findings (15 columns a finding), the
# checklist (6 an item) and the evidence register (8 a file) of the largest audit.
MAX_SHARED_STRINGS = 200_000

# -- styles (xl/styles.xml) ------------------------------------------------------------------

# The export writes 11 cell formats, 5 fonts, 3 fills, 1 border, 1 number format and 1
# conditional format; a spreadsheet application adds one cell format per distinct
# formatting the auditee applies. The limits are far above that, and below what a
# spreadsheet application itself supports (Excel: 64,000 cell formats, 1,024 fonts,
# 250 custom number formats).
MAX_STYLES = {
    "cellXfs": (5_000, "cell styles"),
    "cellStyleXfs": (5_000, "cell style templates"),
    "cellStyles": (1_000, "named styles"),
    "fonts": (1_024, "fonts"),
    "fills": (1_000, "fills"),
    "borders": (1_000, "borders"),
    "numFmts": (250, "number formats"),
    "dxfs": (1_000, "conditional formats"),
}
