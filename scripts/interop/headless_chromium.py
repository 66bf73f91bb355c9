"""Headless Chromium for the dashboard's browser tests and benchmarks: Debian's chromium and
chromedriver, driven with selenium. Imported by the *_flow.py scripts beside it."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

# No sandbox or GPU: the tests run as root in a container without either.
ARGUMENTS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run")


def start():
    """A new headless Chromium whose page loads give up after 30 s and whose element lookups wait
    up to 10 s (a click returns before the next page has loaded)."""
    options = webdriver.ChromeOptions()
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(10)
    return driver


def print_failure(driver):
    """Prints where `driver` was (the path only: a query can hold a code or state) and the start of
    the page it showed, for the test's log."""
    print("failed on", driver.current_url.split("?")[0], flush=True)
    print(driver.page_source[:3000], flush=True)
