"""Rate-limit wiring that no test guarded (a hand-written mutant in mutation/wiring.py
removes it): guessing invitation links gets slow like guessing personal links."""


def test_guessing_invitation_links_is_rate_limited(client):
    statuses = [client.get(f"/welkom/{n:043d}").status_code for n in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429
