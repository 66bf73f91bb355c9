"""Headless Chromium for the dashboard's browser tests and benchmarks: Debian's chromium and
chromedriver, driven with selenium. Imported by the *_flow.py scripts beside it."""
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

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


def wait_until_replaced(driver, element, timeout=20):
    """Waits until `element` (found on the page before a click) belongs to a page no more: a click
    returns before the next page loads. selenium's `staleness_of` only counts a stale element;
    while the old page is being torn down Chromium may instead answer "Node with given id does not
    belong to the document", an unknown error, which means the same."""
    def replaced(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:  # StaleElementReferenceException is one too
            return True
    WebDriverWait(driver, timeout).until(replaced)
