"""The offline Connect Link page: an end user connects an account in Chromium, with nothing from the network."""
from __future__ import annotations

import requests

from tests.dashboard.conftest import WAIT_MS, browser  # noqa: F401 (the one Chromium fixture)

USER = "user-link"


def test_an_end_user_connects_an_account_through_the_link_page(browser, api, emu, receiver) -> None:
    token = api.ok("POST", "/tokens", json={"external_user_id": USER, "app_id": "acme",
                                            "webhook_uri": receiver.url + "/connect"})
    assert token["connect_link_url"].startswith(emu.url + "/_static/connect.html?token=ctok_")
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(token["connect_link_url"])
        assert page.locator("#external-user").inner_text(timeout=WAIT_MS) == USER
        assert page.locator("#environment").inner_text() == "development"
        assert page.locator("#app").input_value() == "acme"
        page.fill("#name", "Work account")
        page.locator("input[name=credential_name]").nth(0).fill("api_key")
        page.locator("input[name=credential_value]").nth(0).fill("k-from-the-page")
        page.click("#add-row")
        page.locator("input[name=credential_name]").nth(1).fill("region")
        page.locator("input[name=credential_value]").nth(1).fill("eu")
        page.click("#connect")
        account_id = page.locator("#account-id").inner_text(timeout=WAIT_MS)
    finally:
        page.close()
    assert all(url.startswith(emu.url) for url in requested), requested       # offline: nothing else fetched
    account = api.ok("GET", f"/accounts/{account_id}", params={"include_credentials": "true"})
    assert (account["name"], account["external_id"]) == ("Work account", USER)
    assert account["credentials"] == {"api_key": "k-from-the-page", "region": "eu"}
    [notice] = receiver.wait_for(1, "/connect")
    assert notice.json()["event"] == "CONNECTION_SUCCESS" and notice.json()["account"]["id"] == account_id


def test_a_used_or_unknown_token_gets_an_error_page_or_a_400(api, emu) -> None:
    ctok = api.ok("POST", "/tokens", json={"external_user_id": USER})["token"]
    page = emu.url + "/_static/connect.html"
    created = requests.post(page, json={"token": ctok, "app": "acme", "credentials": {"api_key": "k"}}, timeout=30)
    assert created.status_code == 200 and created.json()["data"]["app"]["name_slug"] == "acme"
    again = requests.post(page, json={"token": ctok, "app": "acme", "credentials": {}}, timeout=30)
    assert (again.status_code, again.json()["param"]) == (400, "token")
    used_page = requests.get(page, params={"token": ctok}, timeout=30)
    assert used_page.status_code == 400 and "already used" in used_page.text
    assert requests.get(f"{emu.url}/v1/connect/tokens/{ctok}/validate", timeout=30).json()["success"] is False


def test_the_form_redirects_to_the_success_uri(api, emu) -> None:
    ctok = api.ok("POST", "/tokens", json={"external_user_id": USER,
                                           "success_redirect_uri": "http://127.0.0.1:9/done"})["token"]
    answer = requests.post(emu.url + "/_static/connect.html", allow_redirects=False, timeout=30,
                           data={"token": ctok, "app": "acme", "credentials": '{"api_key": "k"}'})
    assert (answer.status_code, answer.headers["Location"]) == (303, "http://127.0.0.1:9/done")
