"""`supplier_problem(supplier, day)`: the one check group buys and worksite matches ask."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.supplies.models import Supplier, SupplierPaper
from linli.supplies.vetting import required_papers, supplier_problem
from linli.testing.supplies_suppliers import make_supplier

pytestmark = pytest.mark.django_db
K = SupplierPaper.Kind
DAY = dt.date(2022, 4, 20)


def test_a_vetted_supplier_with_every_paper_valid_has_no_problem(scenario):
    supplier = make_supplier(scenario.town)
    assert supplier_problem(supplier, DAY) is None


def test_a_pending_supplier_is_not_vetted_yet(scenario):
    supplier = make_supplier(scenario.town, vetting=Supplier.Vetting.PENDING)
    problem = supplier_problem(supplier, DAY)
    assert problem is not None
    assert problem.zh == "供应商“松江保供蔬菜公司”尚未通过审核"
    assert problem.en == "supplier 松江保供蔬菜公司 is not vetted yet"


def test_a_suspended_supplier_is_refused(scenario):
    supplier = make_supplier(scenario.town, vetting=Supplier.Vetting.SUSPENDED)
    problem = supplier_problem(supplier, DAY)
    assert problem is not None and "已被暂停" in problem.zh and "suspended" in problem.en


def test_a_food_supplier_without_a_food_permit_is_refused(scenario):
    supplier = make_supplier(scenario.town)
    supplier.papers.filter(kind=K.FOOD_PERMIT).delete()
    problem = supplier_problem(supplier, DAY)
    assert problem is not None
    assert problem.zh == "供应商“松江保供蔬菜公司”缺少食品经营许可证"
    assert problem.en == "supplier 松江保供蔬菜公司 has no food permit"


def test_a_daily_goods_supplier_needs_no_food_permit(scenario):
    supplier = make_supplier(scenario.town, "日用品公司", categories=["daily", "medical"])
    assert not supplier.papers.filter(kind=K.FOOD_PERMIT).exists()
    assert supplier_problem(supplier, DAY) is None


def test_a_paper_is_valid_on_its_expiry_day_and_not_the_day_after(scenario):
    supplier = make_supplier(scenario.town, valid_until=DAY)
    assert supplier_problem(supplier, DAY) is None
    problem = supplier_problem(supplier, DAY + dt.timedelta(days=1))
    assert problem is not None
    # The licence is the first paper checked.
    assert problem.zh == "供应商“松江保供蔬菜公司”的营业执照已于2022-04-20过期"
    assert problem.en == "supplier 松江保供蔬菜公司's business licence expired on 2022-04-20"


def test_one_valid_driver_test_among_expired_ones_is_enough(scenario):
    supplier = make_supplier(scenario.town)
    supplier.papers.filter(kind=K.DRIVER_TEST).update(expires_on=DAY - dt.timedelta(days=2))
    problem = supplier_problem(supplier, DAY)
    assert problem is not None and "司机核酸检测已于2022-04-18过期" in problem.zh
    SupplierPaper.objects.create(supplier=supplier, kind=K.DRIVER_TEST, expires_on=DAY)
    assert supplier_problem(supplier, DAY) is None


def test_a_paper_without_expiry_does_not_expire(scenario):
    supplier = make_supplier(scenario.town, valid_until=None)
    assert supplier_problem(supplier, dt.date(2040, 1, 1)) is None


def test_required_papers_by_category():
    assert required_papers(["daily"]) == [
        "business_licence",
        "whitelist",
        "vehicle_pass",
        "driver_test",
    ]
    assert required_papers(["meat"]) == [
        "business_licence",
        "food_permit",
        "whitelist",
        "vehicle_pass",
        "driver_test",
    ]
