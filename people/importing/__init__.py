"""Staff import from XLSX or CSV: reading the file, cleaning messy cells, matching people, the preview.

The import itself runs through django-import-export (``people.importing.resource.PersonResource``); this package does
what comes before and after it, by concept:

- ``cells``: one cell at a time — names in capitals, «12 лет 3 мес.», «б/к», phones, e-mails;
- ``reading``: the file — XLSX or CSV (through core.tables), the header row wherever it stands and however it is
  worded;
- ``workflow``: the dataset for the resource, matching people, the preview, confirming and cancelling;
- ``template``: the empty list offered for download.
"""

from people.importing.cells import (
    COLUMNS,
    FIO,
    FIO_LABEL,
    FORMULA_STARTS,
    NAME_FIELDS,
    cell_text,
    clean_email,
    clean_name_part,
    clean_phone,
    clean_position,
    fix_name_case,
    parse_category,
    parse_experience,
    phone_digits,
    split_fio,
)
from people.importing.reading import (
    MAX_DATA_ROWS,
    MAX_FILE_SIZE,
    Header,
    header_key,
    map_header,
    read_staff_file,
    recognise_header,
)
from people.importing.resource import LINE_COLUMN, PROBLEMS_COLUMN, PersonLoader, PersonResource
from people.importing.template import template_workbook
from people.importing.workflow import (
    APPLIED,
    CLOSED,
    FAILED,
    MISSING,
    STATUS_ERROR,
    STATUS_NEW,
    STATUS_SKIPPED,
    STATUS_UNCHANGED,
    STATUS_UPDATE,
    STATUSES,
    can_apply,
    cancel_import,
    confirm_import,
    prepare,
    run,
    start_import,
    summarise,
)

__all__ = [
    "APPLIED",
    "CLOSED",
    "COLUMNS",
    "FAILED",
    "FIO",
    "FIO_LABEL",
    "FORMULA_STARTS",
    "LINE_COLUMN",
    "MAX_DATA_ROWS",
    "MAX_FILE_SIZE",
    "MISSING",
    "NAME_FIELDS",
    "PROBLEMS_COLUMN",
    "STATUSES",
    "STATUS_ERROR",
    "STATUS_NEW",
    "STATUS_SKIPPED",
    "STATUS_UNCHANGED",
    "STATUS_UPDATE",
    "Header",
    "PersonLoader",
    "PersonResource",
    "Table",
    "can_apply",
    "cancel_import",
    "cell_text",
    "clean_email",
    "clean_name_part",
    "clean_phone",
    "clean_position",
    "confirm_import",
    "fix_name_case",
    "header_key",
    "map_header",
    "parse_category",
    "parse_experience",
    "phone_digits",
    "prepare",
    "read_staff_file",
    "recognise_header",
    "run",
    "split_fio",
    "start_import",
    "summarise",
    "template_workbook",
]
