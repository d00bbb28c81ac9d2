"""The one exception tree of kirinuki.

Every error a user can cause derives from `KirinukiError`; adapters (CLI, web) map these to a
message and an exit status or an HTTP status in one place. Third-party errors are translated
into these where the third-party code is called.
"""


class KirinukiError(Exception):
    """Base of every error kirinuki reports to a user."""

    exit_code = 1
    http_status = 400


class InputError(KirinukiError):
    """The user's input (a file, an argument, a query) cannot be used."""


class NotFoundError(KirinukiError):
    """A named thing (entry, tag, article, file) does not exist."""

    http_status = 404


class ConflictError(KirinukiError):
    """The request contradicts what is stored (a duplicate permalink, two pages for one path)."""

    http_status = 409


class StaleRevisionError(ConflictError):
    """An entry written by someone else since the writer read it: the write is refused, not
    lost (`current` is the stored revision)."""

    def __init__(self, message: str, current: int) -> None:
        super().__init__(message)
        self.current = current


class PreconditionFailedError(StaleRevisionError):
    """A request's If-Match names a revision of the entry that is no longer the stored one."""

    http_status = 412


class OutputError(KirinukiError):
    """An output file or folder cannot be written (a full disk, an I/O error, no permission)."""


class JournalError(KirinukiError):
    """The journal file cannot be opened or used (not a journal, corrupt, locked)."""

    http_status = 500


class JournalBusyError(JournalError):
    """Another process kept the journal's write lock longer than a writer waits: nothing was
    written; the same write can be tried again (HTTP 503 with Retry-After)."""

    http_status = 503


class SchemaTooNewError(JournalError):
    """The journal was written by a newer kirinuki whose schema this version does not know."""


class FetchError(KirinukiError):
    """A page or feed could not be fetched (network, status, size, content type)."""

    http_status = 502


class HttpStatusError(FetchError):
    """The server answered with an error status; `retry_after` is its Retry-After header."""

    def __init__(self, message: str, status: int, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    """A fetch would reach a private, loopback or otherwise forbidden address."""

    http_status = 400


class AuthError(KirinukiError):
    """Authentication is missing or wrong."""

    http_status = 401


class ForbiddenError(AuthError):
    """A known user whose role does not allow this (a reader writing)."""

    http_status = 403
