"""A file a reader cannot turn into text; the message completes "<file> …" and says what to do."""


class ReadError(Exception):
    pass
