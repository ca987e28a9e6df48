"""One error hierarchy, each error with a stable code and a Chinese and an English message.

Odd *text* never raises (inconsistencies are findings); bad *files* and bad *configuration* do.

>>> e = DecodeError("a.txt", "no encoding fits")
>>> e.code
'decode_failed'
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConverterMissingError",
    "CorruptFileError",
    "DecodeError",
    "DependencyMissingError",
    "EmptyFileError",
    "EncryptedFileError",
    "ExtractorError",
    "FileTooLargeError",
    "LimitExceededError",
    "NoTextLayerError",
    "NotAFileError",
    "ReadError",
    "UnreadableFolderError",
    "UnsupportedFormatError",
]


class ExtractorError(Exception):
    """Root of every error the package raises on purpose."""

    code = "extractor_error"
    zh = "处理失败"

    def __init__(self, source: str, detail: str) -> None:
        super().__init__(f"{source}: {detail}")
        self.source = source
        self.detail = detail

    @property
    def message(self) -> str:
        """Bilingual message for an error row: Chinese first, then English."""
        return f"{self.zh}：{self.detail}"


class ReadError(ExtractorError):
    """The file cannot be read at all (missing, a directory, permission denied)."""

    code = "read_failed"
    zh = "无法读取文件"


class UnreadableFolderError(ExtractorError):
    """A folder that cannot be listed (permission denied): the files in it are not read, and
    this says so rather than leave them out without a word."""

    code = "unreadable"
    zh = "无法读取文件夹，其中的文件未处理"


class NotAFileError(ExtractorError):
    """The path names a FIFO, a device or a socket: read, it could block or never end."""

    code = "not_a_file"
    zh = "不是普通文件，未读取"


class EmptyFileError(ExtractorError):
    code = "empty_file"
    zh = "文件为空"


class FileTooLargeError(ExtractorError):
    code = "file_too_large"
    zh = "文件超过大小上限"


class DecodeError(ExtractorError):
    """No supported text encoding decodes the bytes without loss."""

    code = "decode_failed"
    zh = "无法识别文本编码"


class UnsupportedFormatError(ExtractorError):
    code = "unsupported_format"
    zh = "不支持的文件格式"


class ConfigError(ExtractorError):
    """A bad option or configuration value; the message lists the allowed values."""

    code = "bad_config"
    zh = "配置错误"


class CorruptFileError(ExtractorError):
    """The file claims a format (a .docx, a PDF) but its content is broken or truncated."""

    code = "corrupt_file"
    zh = "文件已损坏或不完整"


class EncryptedFileError(ExtractorError):
    """The file is encrypted or protected by a password."""

    code = "encrypted"
    zh = "文件已加密或受密码保护"


class NoTextLayerError(ExtractorError):
    """A PDF with no text to read: a scan (it would need OCR)."""

    code = "no_text_layer"
    zh = "PDF 没有文本层（可能是扫描件，需要 OCR）"


class LimitExceededError(ExtractorError):
    """A bound of :class:`~extractor.readers.Limits` was passed (pages, unpacked size, time)."""

    code = "limit_exceeded"
    zh = "超出处理上限"


class ConverterMissingError(ExtractorError):
    """A legacy format needs a converter the machine does not have; the message names the package."""

    code = "converter_missing"
    zh = "缺少格式转换工具"


class DependencyMissingError(ExtractorError):
    """A format's reader needs a library this installation left out; the message names the extra
    that brings it (``pip install 'extractor[pdf]'``)."""

    code = "dependency_missing"
    zh = "缺少读取该格式所需的程序库"
