from datetime import timedelta

import pytest
import time_machine

from blogsync.syncs.models import Topic, TopicState
from tests.conftest import london


@pytest.fixture
def dated_topic(make_topic):
    return make_topic(
        signup_opens_at=london(2014, 1, 1, 9, 0),
        deadline=london(2014, 1, 31, 23, 59),
        list_published_at=london(2014, 2, 3, 12, 0),
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (london(2013, 12, 31, 23, 0), TopicState.UPCOMING),
        (london(2014, 1, 1, 9, 0), TopicState.OPEN),
        (london(2014, 1, 31, 23, 59), TopicState.OPEN),
        (london(2014, 2, 1, 0, 0), TopicState.CLOSED),
        (london(2014, 2, 3, 12, 0), TopicState.PUBLISHED),
    ],
)
def test_state_follows_dates(dated_topic, moment, expected):
    with time_machine.travel(moment, tick=False):
        assert dated_topic.state == expected


def test_open_now_queryset_matches_state(dated_topic):
    with time_machine.travel(london(2014, 1, 15, 12, 0), tick=False):
        assert list(Topic.objects.open_now()) == [dated_topic]
    with time_machine.travel(london(2014, 2, 2, 12, 0), tick=False):
        assert list(Topic.objects.open_now()) == []


def test_topic_without_dates_is_upcoming(make_topic):
    topic = make_topic(signup_opens_at=None, deadline=None)
    assert topic.state == TopicState.UPCOMING


def test_lateness_respects_grace(dated_topic):
    series = dated_topic.series
    series.late_grace = timedelta(hours=12)
    series.save()
    assert not dated_topic.is_late(london(2014, 2, 1, 9, 0))
    assert dated_topic.is_late(london(2014, 2, 1, 12, 0))
