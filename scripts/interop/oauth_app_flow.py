#!/usr/bin/env python3
"""Drives headless Chromium through the dashboard's OAuth apps page: signs up, follows the
workspace's "OAuth apps" link, registers an app with a client secret (scopes `read` only) and one
with a public key, tries to delete without ticking the confirmation (the browser keeps the form),
then deletes the secret app.

Usage: oauth_app_flow.py BASE_URL EMAIL PASSWORD WORKSPACE PUBLIC_KEY_PEM_FILE SECRET_FILE
Prints one line per step (client_id_secret=, client_id_key=) and writes the client secret the page
showed to SECRET_FILE, never to the output; exits non-zero on any
failure. Needs selenium, chromium, chromedriver.
"""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import headless_chromium


def register(driver, name, redirect_uris, scopes, public_key=None):
    """Fills and submits the register form; returns the client id shown on the next page."""
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "redirect_uris").send_keys(redirect_uris)
    for box in driver.find_elements(By.CSS_SELECTOR, "input[name=scopes]"):
        if box.is_selected() != (box.get_attribute("value") in scopes):
            box.click()
    if public_key is not None:
        driver.find_element(By.CSS_SELECTOR, "input[name=client_authentication][value=public_key]").click()
        driver.find_element(By.ID, "public_key").send_keys(public_key)
    driver.find_element(By.ID, "register-oauth-app").click()
    return driver.find_element(By.ID, "client-id").text


def main() -> int:
    base, email, password, workspace, key_file, secret_file = sys.argv[1:7]
    driver = headless_chromium.start()
    try:
        driver.get(base + "/signup")
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "workspace").send_keys(workspace)
        driver.find_element(By.ID, "signup").click()
        driver.find_element(By.LINK_TEXT, "OAuth apps").click()
        WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("/oauth-apps"))
        print("apps page:", driver.current_url.replace(base, ""), flush=True)

        secret_id = register(driver, "Browser app", "https://app.example.com/cb\nhttp://127.0.0.1:9/cb", {"read"})
        secret = driver.find_element(By.ID, "client-secret").text
        print("client_id_secret=" + secret_id, flush=True)
        with open(secret_file, "w") as out:
            out.write(secret)
        print("warning shown:", "shown only this once" in driver.page_source, flush=True)
        driver.find_element(By.LINK_TEXT, "Done").click()
        listed = driver.find_element(By.ID, "oauth-apps").text
        print("listed with scopes read:", secret_id in listed and "read" in listed, flush=True)
        print("secret on the list page:", secret in driver.page_source, flush=True)

        key_id = register(driver, "Key app", "https://agent.example.com/cb", {"all"}, open(key_file).read())
        print("client_id_key=" + key_id, flush=True)
        print("no secret for the key app:", not driver.find_elements(By.ID, "client-secret"), flush=True)
        driver.find_element(By.LINK_TEXT, "Done").click()

        form = driver.find_element(By.CSS_SELECTOR, f"form[action$='/oauth-apps/{secret_id}/delete']")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        still = driver.find_elements(By.CSS_SELECTOR, f"form[action$='/oauth-apps/{secret_id}/delete']")
        # Raises if the page went away; false while the required confirmation is not ticked.
        valid = driver.execute_script("return arguments[0].checkValidity()", form)
        print("unconfirmed delete kept by the browser:", bool(still) and not valid, flush=True)
        form = driver.find_element(By.CSS_SELECTOR, f"form[action$='/oauth-apps/{secret_id}/delete']")
        form.find_element(By.CSS_SELECTOR, "input[name=confirm]").click()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        # The click returns before the next page loads: the list found at once may be the old one.
        headless_chromium.wait_until_replaced(driver, form)
        driver.find_element(By.ID, "oauth-apps")
        print("deleted:", secret_id not in driver.page_source and key_id in driver.page_source, flush=True)
        return 0
    except Exception:
        headless_chromium.print_failure(driver)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
