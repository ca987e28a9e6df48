"""Make the legacy Word fixtures of tests/fixtures/doc/ with LibreOffice (run once, commit).

    python3 scripts/make_doc_fixture.py      # Debian's python3: it needs python3-uno

LibreOffice's command line converts but cannot set a password, so this drives it through UNO:
one headless office on a private pipe and profile, each fixture loaded from an HTML source
written here and stored with a filter (and a password for the encrypted ones). Needs
``apt-get install libreoffice-writer-nogui python3-uno``.

Files written:

* ``report.doc`` — Word 97: a heading, paragraphs, a list, a table with a rowspan and a colspan,
  a signature.
* ``report-encrypted.doc`` — the same with a password (RC4 CryptoAPI: the FIB's fEncrypted bit).
* ``report-encrypted.docx`` — what Office writes for a .docx with a password: not a zip but an OLE
  file holding ``EncryptionInfo`` and ``EncryptedPackage`` streams. LibreOffice 7.4 does not
  encrypt OOXML through UNO, so this one is built here with the standard library
  (:func:`compound_file`): the stream layout is Office's (an agile ``EncryptionInfo`` header, the
  package size then ciphertext-like bytes), the bytes are not a real encryption of anything.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "doc"
PASSWORD = "慰问2018"

REPORT_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>春节慰问活动总结</title></head><body>
<h1>春节慰问活动总结</h1>
<p>春节前夕，我街共慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户，发放慰问金12.5万元。</p>
<p>慰问对象包括：</p>
<ol><li>城乡低保户；</li><li>特困供养人员；</li><li>重度残疾人家庭。</li></ol>
<table border="1">
<tr><th rowspan="2">街道</th><th colspan="2">慰问户数</th><th rowspan="2">慰问金（万元）</th></tr>
<tr><th>低保户</th><th>单亲家庭</th></tr>
<tr><td>东湖街道</td><td>120</td><td>60</td><td>4.5</td></tr>
<tr><td>西城街道</td><td>200</td><td>90</td><td>8.0</td></tr>
<tr><td>合计</td><td>320</td><td>150</td><td>12.5</td></tr>
</table>
<p>东湖街道办事处</p>
<p>2018年1月20日</p>
</body></html>
"""

#: file name → (LibreOffice export filter, password or None)
FIXTURES: dict[str, tuple[str, str | None]] = {
    "report.doc": ("MS Word 97", None),
    "report-encrypted.doc": ("MS Word 97", PASSWORD),
}


_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 OLE compound file holding ``streams`` at its root (up to 3 streams, each padded
    with NUL bytes to 4096 or more: a smaller stream would have to live in a mini stream).

    >>> compound_file({"A": b"x"})[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
    True
    """
    assert 1 <= len(streams) <= 3
    bodies = [data.ljust(max(4096, -(-len(data) // _SECTOR) * _SECTOR), b"\0") for data in streams.values()]
    fat: list[int] = [_FATSECT, _END]  # sector 0 holds the FAT, sector 1 the directory
    starts = []
    for body in bodies:
        start, count = len(fat), len(body) // _SECTOR
        starts.append(start)
        fat.extend([*range(start + 1, start + count), _END])
    assert len(fat) <= _SECTOR // 4, "one FAT sector only"
    fat += [_FREE] * (_SECTOR // 4 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sI8s8sIQ", raw, len(raw), kind, 1, _NOSTREAM, right, child,
                           bytes(16), 0, bytes(8), bytes(8), start, size)

    names = list(streams)
    # Siblings are a binary tree ordered by name length, then name: a right-leaning chain in that order.
    order = sorted(range(len(names)), key=lambda k: (len(names[k]), names[k].upper()))
    entries = [entry("Root Entry", 5, _NOSTREAM, order[0] + 1, _END, 0)]
    for k, name in enumerate(names):
        nxt = order.index(k) + 1
        right = order[nxt] + 1 if nxt < len(order) else _NOSTREAM
        entries.append(entry(name, 2, right, _NOSTREAM, starts[k], len(bodies[k])))
    directory = b"".join(entries).ljust(_SECTOR, b"\0")
    difat = [0] + [_FREE] * 108
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII109I", bytes.fromhex("d0cf11e0a1b11ae1"), bytes(16),
                         0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, _END, 0, _END, 0, *difat)
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(bodies)


def encrypted_docx() -> bytes:
    """The OLE container of a password-protected .docx (see the module docstring)."""
    rng = random.Random(2018)
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/></encryption>')
    package = struct.pack("<Q", 6000) + bytes(rng.randrange(256) for _ in range(6016))
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})


def _props(uno: Any, **values: Any) -> tuple[Any, ...]:
    out = []
    for name, value in values.items():
        p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def _connect(uno: Any, pipe: str, deadline: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # NoConnectException until the office is up
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def make(out: Path) -> list[Path]:
    try:
        import uno  # type: ignore[import-not-found]  # Debian's python3-uno, not on PyPI
    except ImportError:
        sys.exit("needs LibreOffice's Python bridge: apt-get install libreoffice-writer-nogui python3-uno, "
                 "and run this with Debian's python3")
    soffice = shutil.which("soffice") or sys.exit("soffice not found: apt-get install libreoffice-writer-nogui")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="make-doc-fixture-") as tmp:
        pipe = f"extractor_fixture_{os.getpid()}"
        office = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation=file://{tmp}/profile", f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            ctx = _connect(uno, pipe, time.monotonic() + 60)
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            source = Path(tmp) / "report.html"
            source.write_text(REPORT_HTML, encoding="utf-8")
            for name, (filter_name, password) in FIXTURES.items():
                doc = desktop.loadComponentFromURL(
                    uno.systemPathToFileUrl(str(source)), "_blank", 0,
                    _props(uno, Hidden=True, FilterName="HTML (StarWriter)"))
                try:
                    args = {"FilterName": filter_name, "Overwrite": True}
                    if password:
                        args["Password"] = password
                    target = out / name
                    doc.storeToURL(uno.systemPathToFileUrl(str(target)), _props(uno, **args))
                    written.append(target)
                finally:
                    doc.close(True)
            desktop.terminate()
        finally:
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=OUT, help=f"folder to write to (default: {OUT})")
    args = ap.parse_args()
    paths = make(args.out)
    target = args.out / "report-encrypted.docx"
    target.write_bytes(encrypted_docx())
    for path in [*paths, target]:
        print(f"{path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
