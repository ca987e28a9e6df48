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
    "DiskFullError",
    "EmptyFileError",
    "EncryptedFileError",
    "ExtractorError",
    "FileAccessError",
    "FileTooLargeError",
    "InputMissingError",
    "InternalError",
    "LimitExceededError",
    "NoInputError",
    "NoTextLayerError",
    "NotAFileError",
    "OutputError",
    "QueryError",
    "ReadError",
    "SchedulerUnavailableError",
    "StoreCorruptError",
    "StoreError",
    "StoreMissingError",
    "StoreReadOnlyError",
    "StoreUnavailableError",
    "UnreadableFolderError",
    "UnsupportedFormatError",
    "UsageError",
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


# -- what stops a command (the CLI says them as one line, ``错误：<zh>：<detail>（<code>）``, exit 2) --

class UsageError(ExtractorError):
    """A command line that does not parse: argparse's own words are the detail."""

    code = "usage"
    zh = "命令行参数有误"


class InputMissingError(ExtractorError):
    """A file or folder named on the command line does not exist (checked before any work)."""

    code = "input_missing"
    zh = "输入的文件或文件夹不存在"


class NoInputError(ExtractorError):
    """The inputs hold no file of a format the readers know: nothing was processed (exit 1)."""

    code = "no_input"
    zh = "没有找到可读取的文件"


class OutputError(ExtractorError):
    """The output file cannot be written (a folder, in a folder that does not exist, no right to)."""

    code = "write_failed"
    zh = "无法写入输出文件"


class DiskFullError(ExtractorError):
    """No space left where an output or the store is written (ENOSPC, SQLite's SQLITE_FULL)."""

    code = "disk_full"
    zh = "磁盘空间不足"


class FileAccessError(ExtractorError):
    """Any other failure of the operating system on a file (the cause is its own message)."""

    code = "file_access"
    zh = "文件操作失败"


class SchedulerUnavailableError(ExtractorError):
    """The Dask scheduler of ``ingest --scheduler`` does not answer (its client's own message)."""

    code = "scheduler_unavailable"
    zh = "无法连接 Dask 调度器"


class StoreError(ExtractorError):
    """The store (``--db``) failed; the detail is the database's own message."""

    code = "store_failed"
    zh = "数据库操作失败"


class StoreMissingError(StoreError):
    """A reading command (query, export) was given a store that does not exist or holds no
    extractor tables: refused, never created."""

    code = "store_missing"
    zh = "数据库不存在"


class StoreUnavailableError(StoreError):
    """The store cannot be opened or reached: a folder, a folder that does not exist, a server
    that does not answer, a store another process held past the wait."""

    code = "store_unavailable"
    zh = "无法打开或连接数据库"


class StoreCorruptError(StoreError):
    """The file is no SQLite database, or a damaged (truncated) one."""

    code = "store_corrupt"
    zh = "数据库文件无法读取（不是数据库或已损坏）"


class StoreReadOnlyError(StoreError):
    code = "store_read_only"
    zh = "数据库只读，无法写入"


class QueryError(StoreError):
    """``query --sql`` that the database refuses."""

    code = "bad_query"
    zh = "SQL 语句执行失败"


class InternalError(ExtractorError):
    """An error nobody foresaw: a bug. ``--debug`` shows its traceback."""

    code = "internal_error"
    zh = "内部错误（请加 --debug 重新运行，并附上输出报告问题）"
