#!/usr/bin/env python3
"""Bad inputs of issue 13: files that once crashed, hung or ate memory, made from the seed.

    python scripts/make_bad_inputs.py OUT [--big]

writes each input of ``INPUTS`` into ``OUT`` (and a folder with a file name that is not UTF-8,
and a FIFO). The bombs are small on disk and huge once read: never commit them; the tests build
them into a temporary folder (``tests/test_bad_input.py``). ``--big`` makes the .docx bomb the
full 3 GiB of the issue (3 MB on disk) instead of the tests' 600 MiB.

Every builder is deterministic and returns the file's bytes, so a test can write it where it
wants and under the name it wants:

>>> mojibake_tail()[-3:]
b'\\xff\\xfe\\xfd'
>>> len(html_span_bomb()) < 10_000
True
"""

from __future__ import annotations

import argparse
import codecs
import io
import os
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seed" / "000_b2e30e7327201b52.txt"
SEED_DOCX = ROOT / "corpus" / "rendered" / "docx" / "000_b2e30e7327201b52.docx"

__all__ = ["INPUTS", "NON_UTF8_NAME", "bom_only", "docx_understated", "docx_wide_span", "gbk_with_stray_byte",
           "html_deep", "html_deep_tables", "html_span_bomb", "main", "mojibake_tail", "noise", "pdf_flate_bomb",
           "pdf_font_widths_bomb", "pdf_lying_count", "pdf_truetype_cmap_bomb", "pdf_unicode_map_bomb",
           "pdf_without_font_box", "seed", "terminal_escapes", "utf8_with_gbk_line"]

#: a file name that is not valid UTF-8 (bytes 0xFF 0xFE inside it)
NON_UTF8_NAME = b"bad\xff\xfename.txt"


def seed() -> bytes:
    """The seed report (UTF-8): five reports under one heading."""
    return SEED.read_bytes()


def mojibake_tail() -> bytes:
    """The seed with three stray bytes at its end (no strict decoder takes it; chardet said ibm855)."""
    return seed() + b"\xff\xfe\xfd"


def utf8_with_gbk_line() -> bytes:
    """The seed in UTF-8 but for its line of 12.5万元, pasted in from a GBK file."""
    lines = seed().decode("utf-8").split("\n")
    k = next(i for i, line in enumerate(lines) if "12.5万元" in line)
    return b"\n".join(line.encode("gbk" if i == k else "utf-8") for i, line in enumerate(lines))


def gbk_with_stray_byte() -> bytes:
    """The seed in GBK with a byte that no encoding has (0xFF) at its end."""
    return seed().decode("utf-8").encode("gbk") + b"\xff"


def bom_only() -> bytes:
    """A UTF-8 byte-order mark and nothing else."""
    return codecs.BOM_UTF8


def noise(size: int = 1 << 20) -> bytes:
    """``size`` random bytes (the same every time): what a damaged .docx or .pdf may hold."""
    return random.Random(13).randbytes(size)


def terminal_escapes() -> bytes:
    """A report whose title sets the terminal's title and clears its screen (OSC 0, ED 2, then a
    C1 CSI and a DEL), and whose sentence hides what follows (SGR 8); its parts fall short of
    their total, so ``extractor audit`` prints the title, the sentence and the sum."""
    text = ("春节慰问活动总结\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\n"
            "\x1b[8m共慰问困难家庭700户，其中低保家庭200户、单亲家庭300户、残疾人家庭100户。\n")
    return text.encode("utf-8")


def html_span_bomb(rows: int = 200) -> bytes:
    """A 9 KB page: one table of ``rows`` rows, each one cell spanning 65534 rows and 1000 columns
    (the ceilings browsers apply). Laid out slot by slot that is 20 million slots."""
    row = "<tr><td rowspan=65534 colspan=1000>1</td></tr>"
    return f"<html><body><p>慰问700户</p><table>{row * rows}</table></body></html>".encode()


def html_deep_tables(levels: int = 200) -> bytes:
    """A page of ``levels`` tables nested one in the other's cell, the figure in the innermost."""
    return ("<html><body>" + "<table><tr><td>甲</td><td>" * levels + "共慰问困难家庭700户。"
            + "</td></tr></table>" * levels + "</body></html>").encode()


def html_deep(levels: int = 100_000) -> bytes:
    """A page of ``levels`` nested ``<div>`` (1.1 MB at 100,000), the text in the innermost."""
    return ("<html><body>" + "<div>" * levels + "共慰问困难家庭700户。" + "</div>" * levels
            + "</body></html>").encode()


def docx_understated(unpacked: int = 600 << 20) -> bytes:
    """The seed's .docx whose ``word/document.xml`` unpacks to its own XML and then ``unpacked``
    bytes of spaces, while the zip directory states only the size (and the CRC) of the XML: the
    directory's sizes look like a normal document's. 3 GiB packs into 3 MB."""
    with zipfile.ZipFile(SEED_DOCX) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, data)
    packed = out.getvalue()
    xml = dict((i.filename, d) for i, d in members)["word/document.xml"]
    return _replace_member(packed, "word/document.xml", _deflate_padded(xml, unpacked))


def docx_wide_span(span: int = 100_000_000) -> bytes:
    """The seed's .docx with the merged header cell of its table spanning ``span`` grid columns
    (``w:gridSpan``): a few bytes that, laid out slot by slot, are ``span`` slots a row."""
    with zipfile.ZipFile(SEED_DOCX) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == "word/document.xml":
                data = data.replace(b'<w:gridSpan w:val="2"/>', f'<w:gridSpan w:val="{span}"/>'.encode(), 1)
            z.writestr(info, data)
    return out.getvalue()


def _deflate_padded(prefix: bytes, pad: int) -> bytes:
    """A raw deflate stream of ``prefix`` and then ``pad`` spaces, made without compressing them
    all: a block of 1 MiB of spaces after a full flush packs to the same bytes every time."""
    mib = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    return head + block * (pad >> 20) + c.flush()


def _replace_member(packed: bytes, name: str, stream: bytes) -> bytes:
    """``packed`` with the compressed data of member ``name`` replaced by ``stream``; the local
    header's and the directory's compressed size follow it, the stated size and CRC stay."""
    with zipfile.ZipFile(io.BytesIO(packed)) as z:
        infos = z.infolist()
    out = bytearray()
    offsets: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for i in infos:
        n, m = struct.unpack_from("<HH", packed, i.header_offset + 26)
        start = i.header_offset + 30 + n + m
        header = bytearray(packed[i.header_offset:start])
        data = stream if i.filename == name else packed[start:start + i.compress_size]
        struct.pack_into("<I", header, 18, len(data))
        offsets[i.filename] = len(out)
        sizes[i.filename] = len(data)
        out += header + data
    directory = bytearray()
    pos = packed.rindex(b"PK\x05\x06")
    (cd_offset,) = struct.unpack_from("<I", packed, pos + 16)
    k = cd_offset
    for i in infos:
        n, m, c = struct.unpack_from("<HHH", packed, k + 28)
        entry = bytearray(packed[k:k + 46 + n + m + c])
        struct.pack_into("<I", entry, 20, sizes[i.filename])
        struct.pack_into("<I", entry, 42, offsets[i.filename])
        directory += entry
        k += 46 + n + m + c
    end = bytearray(packed[pos:pos + 22])
    struct.pack_into("<II", end, 12, len(directory), len(out))
    return bytes(out + directory + end)


def pdf_lying_count(pages: int = 40, says: int = 1) -> bytes:
    """A PDF of ``pages`` tiny pages whose page tree's /Count says ``says`` (same length, so the
    cross-reference offsets still hold)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(40, 20), invariant=1)
    for i in range(pages):
        c.setFont("Helvetica", 6)
        c.drawString(2, 6, str(i))
        c.showPage()
    c.save()
    real = f"/Count {pages}".encode()
    data = buf.getvalue()
    assert data.count(real) == 1
    return data.replace(real, f"/Count {says}".encode().ljust(len(real)))


def _stream(data: bytes) -> bytes:
    """A PDF stream object of ``data``, not compressed."""
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _one_page(contents: bytes, font: bytes, *more: bytes) -> list[bytes]:
    """The objects of a one-page PDF: catalog, pages, the page (its font /F1 is object 5), its
    ``contents`` (object 4), the ``font``, then ``more`` (objects 6 on)."""
    return [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            contents, font, *more]


def _chinese_pdf() -> bytes:
    """A one-page PDF of one Chinese sentence in reportlab's STSong-Light (a CIDFont, no font file)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "共慰问困难职工100户，发放慰问金5万元。")
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_flate_bomb(unpacked: int = 1 << 30) -> bytes:
    """A one-page PDF (1 MB at 1 GiB) whose content stream inflates to a line of text and then
    ``unpacked`` spaces: pdfminer inflates a stream whole, then parses all of it."""
    text = b"BT /F1 12 Tf 10 10 Td (700) Tj ET\n"
    adler = zlib.adler32(text)
    mib = b" " * (1 << 20)
    for _ in range(unpacked >> 20):
        adler = zlib.adler32(mib, adler)
    stream = b"\x78\xda" + _deflate_padded(text, unpacked) + struct.pack(">I", adler)
    return pdf_of(_one_page(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))


def pdf_font_widths_bomb(last: int = 4_294_967_295) -> bytes:
    """A one-page Chinese PDF (reportlab's STSong-Light) whose CIDFont gives one width to every
    CID from 1 to ``last`` (``/W [ 1 4294967295 500 ]``, the first range of its /W rewritten in
    place, so the cross-reference offsets still hold): pdfminer writes a width for each."""
    data = _chinese_pdf()
    start = data.index(b"/W [ 1 [")
    end = data.index(b"]", start + 8) + 1  # the widths of CIDs 1 to 9
    return data[:start] + (b"/W [ 1 %d 500" % last).ljust(end - start) + data[end:]


def pdf_unicode_map_bomb(last: bytes = b"FFFFFFFF") -> bytes:
    """A one-page PDF whose font's ToUnicode map is one ``bfrange`` of 4-byte codes from 0 to
    ``last`` (hex): pdfminer writes an entry for each, four billion at ``FFFFFFFF``."""
    cmap = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"1 beginbfrange\n<00000000> <" + last + b"> <0030>\nendbfrange\n"
            b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    return pdf_of(_one_page(_stream(b"BT /F1 12 Tf 10 100 Td (700) Tj ET\n"),
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>", _stream(cmap)))


def pdf_truetype_cmap_bomb(last: int = 0xFFFFFFFF) -> bytes:
    """A one-page PDF whose embedded TrueType font (a font program of its ``cmap`` table alone)
    maps the codes 0 to ``last`` in one format 12 group, and has no ToUnicode map: pdfminer reads
    the font's cmap for one, code by code, four billion at ``0xFFFFFFFF``."""
    cmap = (struct.pack(">HH", 0, 1) + struct.pack(">HHL", 3, 10, 12)  # one subtable (Unicode, full)
            + struct.pack(">HHIII", 12, 0, 28, 0, 1) + struct.pack(">III", 0, last, 0))
    font = b"\x00\x01\x00\x00" + struct.pack(">HHHH", 1, 0, 0, 0) + struct.pack(">4sLLL", b"cmap", 0, 28, len(cmap))
    font += cmap
    return pdf_of(_one_page(
        _stream(b"BT /F1 12 Tf 10 100 Td <0001> Tj ET\n"),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Bomb /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Bomb /FontDescriptor 7 0 R "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        b"<< /Type /FontDescriptor /FontName /Bomb /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>",
        _stream(font)))


def pdf_without_font_box(box: bool = False) -> bytes:
    """A one-page Chinese PDF (reportlab's STSong-Light) whose font descriptor has lost its
    /FontBBox: it reads, and pdfminer logs a warning for the font (``box=True``: the same PDF
    whole)."""
    data = _chinese_pdf()
    assert data.count(b"/FontBBox") == 1
    return data if box else data.replace(b"/FontBBox", b"/FontBBx ")


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalog), with its
    cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (k, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


#: file name → builder, as ``main`` writes them
INPUTS: dict[str, Callable[[], bytes]] = {
    "mojibake-tail.txt": mojibake_tail,
    "utf8-with-gbk-line.txt": utf8_with_gbk_line,
    "gbk-with-stray-byte.txt": gbk_with_stray_byte,
    "bom-only.txt": bom_only,
    "noise.docx": noise,
    "noise.pdf": noise,
    "terminal-escapes.txt": terminal_escapes,
    "span-bomb.html": html_span_bomb,
    "deep-tables.html": html_deep_tables,
    "deep-100000.html": html_deep,
    "understated.docx": docx_understated,
    "wide-span.docx": docx_wide_span,
    "lying-count.pdf": lambda: pdf_lying_count(4500, 1),
    "flate-bomb.pdf": pdf_flate_bomb,
    "font-widths-bomb.pdf": pdf_font_widths_bomb,
    "unicode-map-bomb.pdf": pdf_unicode_map_bomb,
    "truetype-cmap-bomb.pdf": pdf_truetype_cmap_bomb,
    "font-without-box.pdf": pdf_without_font_box,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("out", type=Path, help="the folder to write the inputs into")
    ap.add_argument("--big", action="store_true", help="the .docx bomb at the issue's 3 GiB (3 MB on disk)")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name, make in INPUTS.items():
        data = docx_understated(3 << 30) if name == "understated.docx" and args.big else make()
        (out / name).write_bytes(data)
        print(f"wrote {out / name} ({len(data)} bytes)")
    names = out / "names"
    names.mkdir(exist_ok=True)
    for raw in (b"a.txt", NON_UTF8_NAME, b"z.txt"):
        (names / os.fsdecode(raw)).write_bytes(seed())
    print(f"wrote {names}/ (a.txt, {NON_UTF8_NAME!r}, z.txt)")
    fifo = out / "fifo.txt"
    if not fifo.exists():
        os.mkfifo(fifo)
    print(f"made the FIFO {fifo}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
