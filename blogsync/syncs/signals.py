"""Signals other apps listen to, so that the domain does not import them."""

from django.dispatch import Signal

# Sent after an entry has been approved and saved; kwargs: entry, actor.
entry_approved = Signal()
# Sent after a new entry has been stored as pending; kwargs: entry.
entry_pending = Signal()
# Sent after a topic's list has been published; kwargs: topic.
list_published = Signal()
