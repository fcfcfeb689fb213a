"""Counts in words: `1 case`, `2 cases`, `there is 1 case`."""

from __future__ import annotations


def plural(count: int, word: str, words: str | None = None) -> str:
    """`1 case`, `2 cases`; `words` for a plural that is not the word and an s (`strategies`)."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def there_are(count: int, word: str, words: str | None = None) -> str:
    """`there is 1 case`, `there are 2 cases`."""
    return f"there {'is' if count == 1 else 'are'} {plural(count, word, words)}"
