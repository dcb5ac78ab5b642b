class ArchiveImportError(Exception):
    """The archive cannot be imported. The message names what is wrong and where."""


class ArchiveFormatError(ArchiveImportError):
    """The file's content cannot be read as an archive."""
