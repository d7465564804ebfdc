"""The statistics section's trend: each chosen rate per sub-period against its target,
drawn from the per-period breakdown of the report shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate

from tests.stats_helpers import known_dossiers
from workstation.services import Services
from workstation.stats.measures import Period
from workstation.ui.stats.section import StatsSection
from workstation.ui.stats.trend import COLOURS, TREND_MEASURES

pytestmark = pytest.mark.gui


@pytest.fixture
def section(qtbot, services: Services) -> StatsSection:
    known_dossiers(services.database)
    view = StatsSection(services)
    qtbot.addWidget(view)
    view.first_edit.setDate(QDate(2026, 2, 1))
    view.last_edit.setDate(QDate(2026, 3, 31))
    view.period_box.setCurrentIndex(view.period_box.findData(Period.DAY.value))
    with qtbot.waitSignal(view.report_shown):
        view.load()
    return view


def test_the_trend_has_one_point_per_period_at_the_breakdowns_rate_and_target(section):
    report = section.report
    assert len(report.by_period) > 1
    assert section.trend.keys == [figures.key for figures in report.by_period]
    assert [s.name for s in section.trend.series] == list(TREND_MEASURES)
    for series in section.trend.series:
        assert series.rates == tuple(f[series.name].rate for f in report.by_period)
        assert series.targets == tuple(f[series.name].target for f in report.by_period)
    assert any(rate is not None for s in section.trend.series for rate in s.rates)


def test_the_trend_draws_only_the_chosen_measures(section):
    for name, action in section.trend_actions.items():
        action.setChecked(name == "online")
    assert [s.name for s in section.trend.series] == ["online"]
    (series,) = section.trend.series
    assert series.rates == tuple(f["online"].rate for f in section.report.by_period)


def test_each_rate_is_painted_where_the_chart_places_it(section):
    for name, action in section.trend_actions.items():
        action.setChecked(name == "online")
    section.resize(1280, 720)
    section.trend.resize(500, 300)
    image = section.trend.grab().toImage()
    (series,) = section.trend.series
    painted = [
        image.pixelColor(section.trend.point(index, rate).toPoint()).name()
        for index, rate in enumerate(series.rates)
        if rate is not None
    ]
    assert painted and set(painted) == {COLOURS["online"].name()}


def test_the_trend_follows_the_periods_even_when_grouped(qtbot, section):
    section.by_box.setCurrentIndex(section.by_box.findData("sector"))
    with qtbot.waitSignal(section.report_shown):
        section.load()
    assert section.trend.keys == [figures.key for figures in section.report.by_period]
