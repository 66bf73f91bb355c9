#!/usr/bin/env python3
"""Drives headless Chromium through the modal-server dashboard: signs up (or logs in), opens a
`modal token new` approval URL, approves it for a workspace, and checks the "close this tab" page.

Usage: approve_flow.py APPROVAL_URL EMAIL PASSWORD WORKSPACE [--login]
Prints one line per step; exits non-zero on any failure. Needs selenium, chromium, chromedriver.
"""
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import headless_chromium


def main() -> int:
    url, email, password, workspace = sys.argv[1:5]
    login_only = "--login" in sys.argv[5:]
    driver = headless_chromium.start()
    try:
        driver.get(url)  # not signed in: the dashboard redirects to /login?next=/flow/CODE
        print("landed on", driver.current_url.split("?")[0], flush=True)
        if not login_only:
            driver.find_element(By.LINK_TEXT, "Sign up").click()
            driver.find_element(By.ID, "email").send_keys(email)
            driver.find_element(By.ID, "password").send_keys(password)
            driver.find_element(By.ID, "workspace").send_keys(workspace)
            driver.find_element(By.ID, "signup").click()
        else:
            driver.find_element(By.ID, "email").send_keys(email)
            driver.find_element(By.ID, "password").send_keys(password)
            driver.find_element(By.ID, "login").click()
        print("signed in, now on", driver.current_url.split("?")[0], flush=True)
        code = driver.find_element(By.ID, "code").text
        print("approval page shows code", code, flush=True)
        Select(driver.find_element(By.ID, "workspace")).select_by_visible_text(workspace)
        driver.find_element(By.ID, "approve").click()
        approved_at = time.time()
        done = driver.find_element(By.ID, "done").text
        print("result:", done, flush=True)
        print(f"approved_at={approved_at:.6f}", flush=True)
        return 0 if "close this tab" in done else 1
    except Exception:
        headless_chromium.print_failure(driver)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
