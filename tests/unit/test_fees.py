"""Fees and charges: separately, the applicant's case, the online reduction only online."""

from __future__ import annotations

from datetime import date

from workstation.domain.catalogue import FeeItem, FeeKind, Reduction, load_catalogue
from workstation.domain.dossier import Channel
from workstation.domain.fees import assess_fees, assess_item
from workstation.paths import resources_dir

DAY = date(2026, 11, 2)
LAND = load_catalogue(resources_dir() / "catalogue" / "procedures.json").get("1.003554", DAY)


def test_fee_and_charge_are_assessed_separately_at_the_counter() -> None:
    fees = assess_fees(LAND, DAY, Channel.COUNTER)
    assert (fees.fee, fees.charge, fees.total) == (100_000, 500_000, 600_000)


def test_online_reduction_applies_only_to_dossiers_submitted_online() -> None:
    online = assess_fees(LAND, DAY, Channel.ONLINE)
    assert (online.fee, online.charge) == (95_000, 200_000)  # 5 % and 60 % off (illustrative)
    for channel in (Channel.COUNTER, Channel.ON_BEHALF, Channel.POST):
        assert assess_fees(LAND, DAY, channel).total == 600_000


def test_the_applicants_case_exempts_as_the_catalogue_lists() -> None:
    poor = assess_fees(LAND, DAY, Channel.COUNTER, ["poor_household"])
    assert (poor.fee, poor.charge) == (0, 500_000)  # exempt from the fee, not the charge
    merit = assess_fees(LAND, DAY, Channel.ONLINE, ["person_with_merit"])
    assert merit.charge == 100_000  # 50 % for the case, then 60 % online on the rest


def test_only_the_largest_case_reduction_applies() -> None:
    item = FeeItem(
        FeeKind.FEE,
        "x",
        10_000,
        reductions=(Reduction("a", 30), Reduction("b", 50)),
    )
    assert assess_item(item, DAY, Channel.COUNTER, ["a", "b"]).amount == 5_000


def test_a_resolution_not_yet_in_force_does_not_reduce() -> None:
    later = Reduction("online", 100, "NQ x", effective_from=date(2027, 1, 1))
    item = FeeItem(FeeKind.CHARGE, "x", 8_000, reductions=(later,))
    assert assess_item(item, DAY, Channel.ONLINE).amount == 8_000
    assert assess_item(item, date(2027, 1, 1), Channel.ONLINE).amount == 0


def test_amounts_are_whole_dong_rounded_half_up() -> None:
    item = FeeItem(FeeKind.FEE, "x", 15_001, reductions=(Reduction("online", 50),))
    line = assess_item(item, DAY, Channel.ONLINE)
    assert line.amount == 7_500 and isinstance(line.amount, int)  # 7 500.5 → 7 501 off
    assert line.reductions[0].case == "online"
