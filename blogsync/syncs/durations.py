"""Durations in words, for pages and command output that state a time limit."""

UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def duration_in_words(seconds: int) -> str:
    """Spell out `seconds` exactly in days, hours, minutes and seconds.

    For example 259200 gives "3 days" and 5400 gives "1 hour and 30 minutes".
    """
    parts = []
    remaining = max(int(seconds), 0)
    for unit, size in UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
    if not parts:
        return "0 seconds"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
