"""Advances (垫付): yuan typed into fen, the balance arithmetic against hand-worked sums, a
payment the float does not cover, repayments, disputes and what is still owed back; through
the runner's payment form and the money page."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection

from linli.accounts.models import User
from linli.core.validators import Problem
from linli.medicine.models import AdvanceEntry, MedicineOrder, MoneyDispute
from linli.medicine.money import (
    advances_open_fen,
    balance_fen,
    dispute_raise,
    float_issue,
    parse_yuan,
    payment_record,
    repayment_record,
    yuan,
)
from linli.testing.medicine import build_medicine_scenario, make_order, make_run
from linli.testing.scenario import build_grid_scenario, build_scenario

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("12.50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("0.05", 5),
        ("0.1", 10),
        (" ¥3.07 ", 307),
        ("１２.３４", 1234),  # full-width digits from a Chinese input method
        ("19.99", 1999),  # 19.99 * 100 as a float is 1998.9999…; Decimal keeps it exact
        ("100000", 10_000_000),
    ],
)
def test_yuan_typed_become_exact_fen(typed, fen):
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12.505", "两位小数"),
        ("1.001", "两位小数"),
        ("-3", "负数"),
        ("-0.50", "负数"),
        ("0", "大于零"),
        ("0.00", "大于零"),
        ("abc", "如 12.50"),
        ("1e3", "如 12.50"),
        ("12,50", "如 12.50"),
        ("", "如 12.50"),
        ("100000.01", "过大"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(typed, says):
    with pytest.raises(Problem) as caught:
        parse_yuan(typed)
    assert says in caught.value.zh


def test_fen_read_as_yuan():
    assert [yuan(1250), yuan(5), yuan(0), yuan(-1705), yuan(100)] == [
        "12.50",
        "0.05",
        "0.00",
        "-17.05",
        "1.00",
    ]


@pytest.fixture
def day(med):
    zhang = make_order(med, "zhang", form_number="P-1")
    li = make_order(med, "li", form_number="P-2")
    run = make_run(med, [zhang, li])
    med.orders = {"zhang": zhang, "li": li}
    med.run = run
    return med


def test_balance_is_float_minus_spent_plus_repaid(day):
    desk, runner = day.users["desk"], day.users["runner"]
    post = day.volunteers["runner"].medicine_post
    float_issue(user=desk, runner=post, amount_fen=20000)  # ¥200.00
    payment_record(user=runner, order=day.orders["zhang"], amount_fen=1250)  # ¥12.50
    payment_record(user=runner, order=day.orders["li"], amount_fen=3000)  # ¥30.00
    repayment_record(user=desk, order=day.orders["zhang"], amount_fen=1250, method="cash")
    # 200.00 − 12.50 − 30.00 + 12.50 = 170.00
    assert balance_fen(post) == 17000
    # Owed back: zhang repaid in full (0), li owes 30.00.
    assert advances_open_fen(day.town) == 3000


def test_a_payment_the_float_does_not_cover_is_refused_unless_out_of_pocket(day):
    desk, runner = day.users["desk"], day.users["runner"]
    post = day.volunteers["runner"].medicine_post
    float_issue(user=desk, runner=post, amount_fen=1000)  # ¥10.00
    with pytest.raises(Problem) as caught:
        payment_record(user=runner, order=day.orders["zhang"], amount_fen=1001)
    assert "余额 10.00" in caught.value.zh and "自掏垫付" in caught.value.zh
    assert balance_fen(post) == 1000  # nothing recorded
    payment_record(user=runner, order=day.orders["zhang"], amount_fen=1001, out_of_pocket=True)
    assert balance_fen(post) == -1  # negative, and said so: the entry is marked
    assert AdvanceEntry.objects.get(kind="payment").out_of_pocket is True


def test_repayment_never_exceeds_what_is_owed_and_transfers_need_a_reference(day):
    desk, runner = day.users["desk"], day.users["runner"]
    post = day.volunteers["runner"].medicine_post
    order = day.orders["zhang"]
    with pytest.raises(Problem, match="没有垫付"):
        repayment_record(user=desk, order=order, amount_fen=100, method="cash")
    float_issue(user=desk, runner=post, amount_fen=5000)
    payment_record(user=runner, order=order, amount_fen=2345)
    with pytest.raises(Problem, match=r"尚欠 23\.45"):
        repayment_record(user=desk, order=order, amount_fen=2346, method="cash")
    with pytest.raises(Problem, match="转账单号"):
        repayment_record(user=desk, order=order, amount_fen=2000, method="transfer")
    repayment_record(user=desk, order=order, amount_fen=2000, method="transfer", reference="WX88")
    # 2345 − 2000 = 345 still owed; 5000 − 2345 + 2000 = 4655 in the float.
    assert advances_open_fen(day.town) == 345
    assert balance_fen(post) == 4655


def test_the_ledger_is_append_only(day):
    post = day.volunteers["runner"].medicine_post
    entry = float_issue(user=day.users["desk"], runner=post, amount_fen=100)
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AdvanceEntry.objects.filter(pk=entry.pk).update(amount_fen=1)
    with pytest.raises(PermissionError):
        AdvanceEntry.objects.all().delete()


def _pay(client, order, amount, token, **more):
    data = {"amount": amount, "form_token": token, **more}
    return client.post(f"/medicine/runner/orders/{order.pk}/pay/", data)


def test_the_runner_pays_from_the_page_in_yuan_and_a_double_post_is_one_payment(day, client_for):
    post = day.volunteers["runner"].medicine_post
    float_issue(user=day.users["desk"], runner=post, amount_fen=20000)
    runner = client_for("runner")
    photo = SimpleUploadedFile("invoice.png", PNG, content_type="image/png")
    token = "tok-" + "a" * 20
    first = _pay(runner, day.orders["zhang"], "12.50", token, photo=photo)
    again = _pay(runner, day.orders["zhang"], "12.50", token)
    assert first.status_code == again.status_code == 302
    payment = AdvanceEntry.objects.get(kind="payment")
    assert payment.amount_fen == 1250 and payment.invoice_photo.name.endswith(".png")
    assert AdvanceEntry.objects.filter(kind="payment").count() == 1
    assert balance_fen(post) == 18750
    page = runner.get("/medicine/runner/")
    assert "¥187.50" in page.content.decode()
    photo_url = f"/medicine/money/entries/{payment.pk}/photo/"
    assert photo_url in page.content.decode()
    shown = runner.get(photo_url)
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG
    assert shown["Content-Type"] == "image/png"
    assert client_for("desk").get(photo_url).status_code == 200
    assert client_for("runner2").get(photo_url).status_code == 404
    assert client_for("alice").get(photo_url).status_code in (403, 404)


def test_bad_amounts_on_the_page_are_a_400_with_the_reason(day, client_for):
    runner = client_for("runner")
    refused = _pay(runner, day.orders["zhang"], "12.505", "tok-" + "b" * 20)
    assert refused.status_code == 400 and "两位小数" in refused.content.decode()
    refused = _pay(runner, day.orders["zhang"], "-5", "tok-" + "c" * 20)
    assert refused.status_code == 400 and "负数" in refused.content.decode()
    uncovered = _pay(runner, day.orders["zhang"], "5", "tok-" + "d" * 20)
    assert uncovered.status_code == 400 and "备用金不足" in uncovered.content.decode()
    assert not AdvanceEntry.objects.exists()


def test_another_runner_cannot_pay_for_a_request_off_their_run(day, client_for):
    answer = _pay(client_for("runner2"), day.orders["zhang"], "1", "tok-" + "e" * 20)
    assert answer.status_code == 404
    assert _pay(client_for("alice"), day.orders["zhang"], "1", "tok-" + "f" * 20).status_code in (
        403,
        404,
    )


def test_the_desk_issues_a_float_repayments_and_disputes_are_listed(day, client_for):
    desk = client_for("desk")
    post = day.volunteers["runner"].medicine_post
    token = "tok-" + "g" * 20
    for _ in range(2):
        answer = desk.post(
            "/medicine/money/float/", {"runner": post.pk, "amount": "50", "form_token": token}
        )
        assert answer.status_code == 302
    assert balance_fen(post) == 5000  # one float of ¥50.00, not two
    payment_record(user=day.users["runner"], order=day.orders["li"], amount_fen=880)
    page = desk.get("/medicine/money/").content.decode()
    assert "¥50.00" not in page and "¥41.20" in page and "8.80" in page
    dispute = desk.post(
        f"/medicine/money/orders/{day.orders['li'].pk}/dispute/", {"reason": "患者说已付现金"}
    )
    assert dispute.status_code == 302
    assert "患者说已付现金" in desk.get("/medicine/money/").content.decode()
    repay = desk.post(
        f"/medicine/money/orders/{day.orders['li'].pk}/repay/",
        {"amount": "8.80", "method": "cash", "form_token": "tok-" + "h" * 20},
    )
    assert repay.status_code == 302
    assert advances_open_fen(day.town) == 0
    found = MoneyDispute.objects.get()
    resolved = desk.post(
        f"/medicine/money/disputes/{found.pk}/resolve/", {"resolution": "已核对发票，重复付款已退"}
    )
    assert resolved.status_code == 302
    found.refresh_from_db()
    assert found.resolved_at is not None
    assert client_for("runner").post(
        f"/medicine/money/disputes/{found.pk}/resolve/", {"resolution": "x"}
    ).status_code in (403, 404)


def test_a_dispute_needs_a_reason(day):
    with pytest.raises(Problem):
        dispute_raise(user=day.users["desk"], order=day.orders["li"], reason="  ")


def test_the_money_page_is_for_the_team_only(day, client_for):
    assert client_for("alice").get("/medicine/money/").status_code == 403
    assert client_for("runner").get("/medicine/money/").status_code == 200


def test_an_invoice_photo_must_be_an_image(day, client_for):
    post = day.volunteers["runner"].medicine_post
    float_issue(user=day.users["desk"], runner=post, amount_fen=20000)
    page = SimpleUploadedFile("x.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml")
    answer = _pay(client_for("runner"), day.orders["zhang"], "1", "tok-" + "p" * 20, photo=page)
    assert answer.status_code == 400 and "图片" in answer.content.decode()
    assert not AdvanceEntry.objects.filter(kind="payment").exists()


CONCURRENT = connection.vendor == "postgresql"


@pytest.fixture
def med_tx(transactional_db):
    s = build_medicine_scenario(build_grid_scenario(build_scenario()))
    s.order = make_order(s, "zhang")
    make_run(s, [s.order])
    return s


def _together(n, work):
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    close_old_connections()
    return results


@pytest.mark.skipif(not CONCURRENT, reason="threads need PostgreSQL (see care's concurrency tests)")
def test_concurrent_payments_never_overdraw_the_float_silently(med_tx):
    s = med_tx
    post = s.volunteers["runner"].medicine_post
    float_issue(user=s.users["desk"], runner=post, amount_fen=1000)

    def pay(i):
        return payment_record(
            user=User.objects.get(username="runner"),
            order=MedicineOrder.objects.get(pk=s.order.pk),
            amount_fen=800,
        ).pk

    results = _together(4, pay)
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert all(isinstance(r, Problem) for r in results if not isinstance(r, int)), results
    assert balance_fen(post) == 200


@pytest.mark.skipif(not CONCURRENT, reason="threads need PostgreSQL (see care's concurrency tests)")
def test_the_same_form_sent_twice_at_once_is_one_payment(med_tx):
    s = med_tx
    float_issue(user=s.users["desk"], runner=s.volunteers["runner"].medicine_post, amount_fen=1000)

    def pay(i):
        return payment_record(
            user=User.objects.get(username="runner"),
            order=MedicineOrder.objects.get(pk=s.order.pk),
            amount_fen=300,
            idempotency_key="pay:same-token",
        ).pk

    results = _together(4, pay)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert AdvanceEntry.objects.filter(kind="payment").count() == 1
