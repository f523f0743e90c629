"""Rate-limit wiring that no test guarded (a hand-written mutant in mutation/wiring.py
removes it): guessing invitation links gets slow like guessing personal links, the app-wide
CSRF check refuses before anything else, and only failures count towards a limit."""

from .conftest import csrf_from, login
from .test_security import post_urls, setup  # noqa: F401  (setup is a fixture)


def test_guessing_invitation_links_is_rate_limited(client):
    statuses = [client.get(f"/welkom/{n:043d}").status_code for n in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429


def test_the_app_wide_csrf_check_comes_before_everything_else(app, client, setup):
    """Without a token every post is refused with 400 before the view runs, so before the
    sign-in check too: a route exempted from the app-wide check (its form checking again)
    would send this anonymous client to sign in instead."""
    urls = post_urls(app, setup)
    assert len(urls) >= 15, urls
    answers = {url: client.post(url, data={}).status_code for url in urls}
    assert {url: status for url, status in answers.items() if status != 400} == {}


def test_successful_sign_ins_do_not_count_towards_the_limits(client, setup):
    """Only failures count (`counts_when(422)`): signing in and out more often than the
    failure limits allow is never slowed down."""
    for _ in range(11):  # more than the ten a minute per client, and than five per account
        assert login(client, "leider@p.example").status_code == 302
        client.post("/uitloggen", data={"csrf_token": csrf_from(client.get("/").text)})
    assert login(client, "leider@p.example", "wrong password").status_code == 422


def test_a_limit_counts_exactly_the_answers_with_its_status():
    """`counts_when` is called once, when the views are decorated; its rule in isolation."""
    from types import SimpleNamespace

    from extensions import counts_when

    failures_only = counts_when(422)
    assert failures_only(SimpleNamespace(status_code=422)) is True
    assert failures_only(SimpleNamespace(status_code=200)) is False
    assert failures_only(SimpleNamespace(status_code=404)) is False
