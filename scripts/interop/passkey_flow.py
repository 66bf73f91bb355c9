#!/usr/bin/env python3
"""Passkeys in headless Chromium with its virtual authenticator (DevTools WebAuthn domain):
browser A signs up and adds a passkey, turns on the workspace's second-factor requirement;
browser B, signed in with the password before the passkey existed, is asked for a second factor
when it approves the `modal token new` login and is refused without one; A signs out and signs in
with the password and the passkey; the passkey is then synced to B (copied between the virtual
authenticators), and B answers the second-factor page with it, which approves the login.

Usage: passkey_flow.py BASE_URL APPROVAL_URL EMAIL PASSWORD WORKSPACE
Prints one line per step; exits non-zero on any failure. Needs selenium, chromium, chromedriver.
"""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import headless_chromium


def browser():
    driver = headless_chromium.start()
    driver.execute_cdp_cmd("WebAuthn.enable", {})
    added = driver.execute_cdp_cmd("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    driver.authenticator_id = added["authenticatorId"]
    return driver


def path(driver):
    return "/" + driver.current_url.split("/", 3)[-1].split("?")[0]


def log_in(driver, base, email, password):
    driver.get(base + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login").click()


def wait_for(driver, text):
    WebDriverWait(driver, 20).until(lambda d: text in d.page_source)


def main() -> int:
    base, approval, email, password, workspace = sys.argv[1:6]
    a, b = browser(), browser()
    current = a
    try:
        a.get(base + "/signup")
        a.find_element(By.ID, "email").send_keys(email)
        a.find_element(By.ID, "password").send_keys(password)
        a.find_element(By.ID, "workspace").send_keys(workspace)
        a.find_element(By.ID, "signup").click()
        WebDriverWait(a, 20).until(lambda d: path(d) != "/signup")
        print("A signed up, on", path(a), flush=True)
        current = b
        log_in(b, base, email, password)
        WebDriverWait(b, 20).until(lambda d: path(d) != "/login")
        print("B signed in with the password alone, on", path(b), flush=True)

        current = a
        a.get(base + "/account/security")
        name = a.find_element(By.ID, "passkey-name")
        name.clear()
        name.send_keys("Virtual key")
        a.find_element(By.ID, "add-passkey").click()
        wait_for(a, "was added")
        stored = a.execute_cdp_cmd("WebAuthn.getCredentials", {"authenticatorId": a.authenticator_id})["credentials"]
        print("passkey added; the authenticator holds", len(stored), "credential(s)", flush=True)
        a.get(base + "/workspaces/" + workspace + "/settings")
        box = a.find_element(By.NAME, "require_second_factor")
        if not box.is_selected():
            box.click()
        a.find_element(By.ID, "save-settings").click()
        wait_for(a, "A second factor is required")
        print("requirement on", flush=True)

        current = b
        b.get(approval)
        Select(b.find_element(By.ID, "workspace")).select_by_visible_text(workspace)
        b.find_element(By.ID, "approve").click()
        wait_for(b, "requires a second factor")
        before = b.find_element(By.TAG_NAME, "html")
        b.find_element(By.ID, "confirm-code").click()  # no code, no passkey
        # The answer repeats the page's text: wait for the new page, not the old one.
        headless_chromium.wait_until_replaced(b, before)
        wait_for(b, "requires a second factor")
        print("B refused without a second factor:", b.find_element(By.TAG_NAME, "h1").text, flush=True)

        current = a
        a.get(base + "/")
        a.find_element(By.XPATH, "//button[text()='Log out']").click()
        WebDriverWait(a, 20).until(lambda d: "Log out" not in d.page_source)
        log_in(a, base, email, password)
        WebDriverWait(a, 20).until(lambda d: path(d) != "/login")  # the click returns before the next page
        print("A after the password, on", path(a), flush=True)
        a.find_element(By.ID, "use-passkey").click()
        WebDriverWait(a, 20).until(lambda d: path(d) == "/")
        print("A signed in with the passkey, on", path(a), flush=True)

        # The passkey syncs to B's device (its private key and counter copied between the virtual
        # authenticators); B answers the page that asks for a second factor with it.
        current = b
        credential = a.execute_cdp_cmd("WebAuthn.getCredentials", {"authenticatorId": a.authenticator_id})["credentials"][0]
        b.execute_cdp_cmd("WebAuthn.addCredential", {"authenticatorId": b.authenticator_id, "credential": credential})
        b.find_element(By.ID, "use-passkey").click()
        print("result:", b.find_element(By.ID, "done").text, flush=True)
        return 0
    except Exception:
        headless_chromium.print_failure(current)
        raise
    finally:
        a.quit()
        b.quit()


if __name__ == "__main__":
    sys.exit(main())
