"""Rate limits on failed attempts, on a clock the test moves."""

from __future__ import annotations

from congress_site.security.ratelimit import LoginThrottle, RateLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_limiter_refuses_after_the_limit_until_the_oldest_failure_leaves_the_window():
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)
    for _ in range(2):
        limiter.fail("k")
        clock.now += 10
    assert limiter.retry_after("k") == 0
    limiter.fail("k")
    assert limiter.retry_after("k") == 40  # the first failure leaves the window at +60
    clock.now += 40
    assert limiter.retry_after("k") == 0
    assert limiter.retry_after("other") == 0


def test_a_limiter_keeps_a_bounded_number_of_keys():
    clock = Clock()
    limiter = RateLimiter(1, 60, max_keys=100, clock=clock)
    for n in range(1000):
        limiter.fail(n)
        clock.now += 0.01
    assert len(limiter._failures) <= 100
    assert limiter.retry_after(999) > 0  # the newest are kept


def test_login_throttle_per_account_and_address():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(5):
        throttle.failed("admin", "attacker")
    assert throttle.retry_after("admin", "attacker") > 0  # as hard as before from there
    assert throttle.retry_after("admin", "owner") == 0  # but nobody else is locked out
    assert throttle.retry_after("ana", "attacker") == 0
    clock.now += 901
    assert throttle.retry_after("admin", "attacker") == 0


def test_the_account_wide_backstop_spares_addresses_the_account_used():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    throttle.succeeded("admin", "office")
    for n in range(20):  # one guess from each of 20 addresses
        throttle.failed("admin", f"bot-{n}")
        clock.now += 60
    assert throttle.retry_after("admin", "bot-20") > 0
    assert throttle.retry_after("admin", "cafe") > 0  # a new place waits for the hour
    assert throttle.retry_after("admin", "office") == 0  # the owner at the office does not
    clock.now += 3600
    assert throttle.retry_after("admin", "cafe") == 0


def test_one_address_trying_many_accounts_spares_those_known_there():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    throttle.succeeded("marie", "venue-wifi")
    for n in range(20):
        throttle.failed(f"user{n}", "venue-wifi")
    assert throttle.retry_after("sophie", "venue-wifi") > 0
    assert throttle.retry_after("marie", "venue-wifi") == 0
