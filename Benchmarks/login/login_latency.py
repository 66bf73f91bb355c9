"""Times `modal setup` logins approved in headless Chromium: from the click on "Approve" to the
CLI printing "Web authentication finished successfully!" and to it printing where the token was
written (after verifying it). One browser signs up once and approves every login; each login is a
fresh `modal setup` process with its own home folder.
    login_latency.py MODAL_BINARY SERVER_URL COUNT
Prints one line per login and a summary with p50 and p99. Needs selenium, chromium, chromedriver.
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

WORKSPACE, EMAIL, PASSWORD = "latency", "latency@example.com", "latency-password-42"


class SetupProcess:
    """A `modal setup` child whose output lines are read on a thread, each with its arrival time."""

    def __init__(self, binary, server_url, home):
        environment = {"PATH": "/usr/bin:/bin", "HOME": home, "MODAL_SERVER_URL": server_url, "BROWSER": "/bin/false"}
        self.process = subprocess.Popen([binary, "setup"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        env=environment, text=True)
        self.lines = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            with self.changed:
                self.lines.append((time.monotonic(), line))
                self.changed.notify_all()

    def wait_for(self, pattern, timeout=60):
        """The time and match of the first line matching `pattern`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for at, line in self.lines:
                    found = re.search(pattern, line)
                    if found:
                        return at, found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"modal setup did not print {pattern!r}: {''.join(l for _, l in self.lines)}")
                self.changed.wait(left)


def approve(driver, url, first):
    """Opens the approval page (signing up the first time) and clicks Approve; returns the click time."""
    driver.get(url)
    if first:
        driver.find_element(By.LINK_TEXT, "Sign up").click()
        driver.find_element(By.ID, "email").send_keys(EMAIL)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "workspace").send_keys(WORKSPACE)
        driver.find_element(By.ID, "signup").click()
    Select(driver.find_element(By.ID, "workspace")).select_by_visible_text(WORKSPACE)
    button = driver.find_element(By.ID, "approve")
    clicked = time.monotonic()
    button.click()
    if "close this tab" not in driver.find_element(By.ID, "done").text:
        raise RuntimeError("the dashboard did not confirm the approval")
    return clicked


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    binary, server_url, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(10)
    to_success, to_written = [], []
    try:
        for index in range(count):
            with tempfile.TemporaryDirectory() as home:
                setup = SetupProcess(binary, server_url, home)
                _, found = setup.wait_for(r"(http://\S+/flow/[B-Z]{4}-[B-Z]{4})")
                clicked = approve(driver, found.group(1), first=index == 0)
                success, _ = setup.wait_for(r"Web authentication finished successfully!")
                written, _ = setup.wait_for(r"Token written to ")
                if setup.process.wait(timeout=30) != 0:
                    raise RuntimeError("modal setup failed: " + "".join(line for _, line in setup.lines))
                to_success.append((success - clicked) * 1000)
                to_written.append((written - clicked) * 1000)
                print(f"login {index + 1}: {to_success[-1]:.1f} ms to success, {to_written[-1]:.1f} ms to token written",
                      flush=True)
    finally:
        driver.quit()
    for name, values in (("approval to success", to_success), ("approval to token written", to_written)):
        print(f"{name}: p50 {percentile(values, 0.5):.1f} ms, p99 {percentile(values, 0.99):.1f} ms "
              f"(min {min(values):.1f}, max {max(values):.1f}, {len(values)} logins)")


if __name__ == "__main__":
    main()
