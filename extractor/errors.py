"""One error hierarchy, each error with a stable code and a Chinese and an English message.

Odd *text* never raises (inconsistencies are findings); bad *files* and bad *configuration* do.

>>> e = DecodeError("a.txt", "no encoding fits")
>>> e.code
'decode_failed'
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DecodeError",
    "EmptyFileError",
    "ExtractorError",
    "FileTooLargeError",
    "ReadError",
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
