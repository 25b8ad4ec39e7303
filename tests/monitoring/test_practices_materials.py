"""Materials of a practice are checked by what they contain, not by what they are called."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from monitoring.practices import MATERIAL_MAX_BYTES, display_name, validate_material
from tests.monitoring.material_fixtures import EXE, PPTX_MAIN, docx, jpeg, ooxml, pdf, png, upload, xlsx


def refused(name: str, data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_material(upload(name, data))
    return caught.value


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("Конспект.pdf", pdf, "pdf"),
        ("План.docx", docx, "docx"),
        ("График.xlsx", xlsx, "xlsx"),
        ("Слайды.pptx", lambda: ooxml(PPTX_MAIN), "pptx"),
        ("Фото.png", png, "png"),
        ("Фото.jpg", jpeg, "jpg"),
    ],
)
def test_real_files_of_every_allowed_kind_are_accepted(name, make, expected):
    assert validate_material(upload(name, make())) == expected


def test_the_content_decides_the_kind_not_the_name():
    # A real DOCX sent under a wrong name is still a DOCX; a real PNG called .pdf is a PNG.
    assert validate_material(upload("документ.pdf", docx())) == "docx"
    assert validate_material(upload("схема.pdf", png())) == "png"
    assert display_name("C:\\Users\\учитель\\схема.pdf", "png") == "схема.png"


def test_a_program_renamed_to_pdf_is_refused():
    error = refused("Конспект.pdf", EXE)
    assert error.code == "material_executable"
    assert "исполняемый файл" in error.messages[0] and "«Конспект.pdf»" in error.messages[0]


def test_a_pdf_with_javascript_is_refused():
    error = refused("Памятка.pdf", pdf(text_js="app.alert('Привет');"))
    assert error.code == "material_script"
    assert "JavaScript" in error.messages[0]


def test_a_pdf_hiding_the_script_name_in_hex_escapes_or_js_key_is_refused():
    clean = pdf()
    hidden = clean.replace(b"%%EOF", b"1 0 obj << /S /J#61vaScript >> endobj\n%%EOF")
    assert refused("a.pdf", hidden).code == "material_script"
    short = clean.replace(b"%%EOF", b"2 0 obj << /JS (app.alert(1)) >> endobj\n%%EOF")
    assert refused("b.pdf", short).code == "material_script"


def test_a_file_one_byte_over_ten_megabytes_is_refused_and_exactly_ten_is_not():
    head = pdf()
    at_limit = head + b"%" * (MATERIAL_MAX_BYTES - len(head) - 6) + b"\n%%EOF"
    assert len(at_limit) == MATERIAL_MAX_BYTES
    assert validate_material(upload("big.pdf", at_limit)) == "pdf"
    error = refused("big.pdf", at_limit + b"\n")
    assert error.code == "material_too_large" and "не больше 10 МБ" in error.messages[0]


def test_a_plain_zip_and_a_macro_document_are_refused():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "не документ")
    assert refused("архив.docx", out.getvalue()).code == "material_format"
    macro = ooxml(PPTX_MAIN, extra={"ppt/vbaProject.bin": b"\x00" * 10})
    assert refused("слайды.pptx", macro).code == "material_macros"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "material_format"),  # old .doc
        (b"Rar!\x1a\x07\x00" + b"\x00" * 50, "material_format"),
        (b"just some text", "material_format"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "material_broken"),  # a PNG header over garbage
        (pdf()[:-20], "material_broken"),  # a PDF cut short
    ],
)
def test_other_formats_and_broken_files_are_refused_with_a_reason(data, code):
    assert refused("файл.pdf", data).code == code
