#!/usr/bin/env python3
"""Headless Chromium end-to-end check for scripts/e2e-browser.sh.

Signs in at node A (changing the one-time password when the dashboard asks), opens a
ticket through the form at /tickets/new, then signs in at node B and waits (bounded)
until the ticket's title is on B's dashboard (/). With --live-command, a second ticket
opened at A while B's dashboard stays open must appear there without a reload (the
page's event stream and partial refresh). Every step is a check; a failed step
ends the run with a screenshot of the page it failed on. Prints `e2e: N passed, M failed`.
"""
import argparse
import os
import re
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

PAGE_TIMEOUT_S = 20


class Run:
    def __init__(self, out):
        self.out = out
        self.passed = 0
        self.failed = 0
        self.results = []
        self.screenshots = []

    def ok(self, what):
        self.passed += 1
        self.results.append("PASS  " + what)
        print("  ok: " + what, flush=True)

    def fail(self, what, driver=None):
        self.failed += 1
        self.results.append("FAIL  " + what)
        print("  FAILED: " + what, flush=True)
        if driver is not None:
            self.shot(driver, "failure-%d.png" % self.failed)

    def summary(self, title, prefix):
        """Prints every step and `PREFIX: N passed, M failed`; the exit code."""
        print()
        print(title)
        for line in self.results:
            print("  " + line)
        print("%s: %d passed, %d failed" % (prefix, self.passed, self.failed))
        return 0 if self.failed == 0 and self.passed > 0 else 1

    def shot(self, driver, name):
        path = os.path.join(self.out, name)
        try:
            driver.save_screenshot(path)
            self.screenshots.append(path)
            print("  screenshot: " + path, flush=True)
        except WebDriverException as error:
            print("  (no screenshot: %s)" % error.msg, flush=True)
        return path


class StepFailed(Exception):
    pass


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--lang=zh-CN", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(PAGE_TIMEOUT_S)
    return driver


def path_of(driver):
    return re.sub(r"^https?://[^/]+", "", driver.current_url)


def wait_path(driver, pattern, what):
    try:
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(lambda d: re.fullmatch(pattern, path_of(d).split("?")[0]))
    except WebDriverException:
        raise StepFailed("%s (at %s, wanted %s)" % (what, path_of(driver), pattern))


def sign_in(driver, base, username, password):
    driver.delete_all_cookies()
    driver.get(base + "/sign-in")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button").click()
    WebDriverWait(driver, PAGE_TIMEOUT_S).until(lambda d: path_of(d).split("?")[0] != "/sign-in" or d.find_elements(By.CSS_SELECTOR, ".bad"))
    return path_of(driver).split("?")[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", required=True, help="node A base URL")
    parser.add_argument("--b", required=True, help="node B base URL")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True, help="the one-time password init printed")
    parser.add_argument("--new-password", required=True)
    parser.add_argument("--title", required=True)
    parser.add_argument("--campus", default="MAIN")
    parser.add_argument("--priority", default="2")
    parser.add_argument("--sync-timeout", type=int, default=60)
    parser.add_argument("--out", required=True, help="directory for screenshots")
    parser.add_argument("--live-title", help="title of the ticket --live-command opens")
    parser.add_argument("--live-command", help="opens a second ticket at A while B's dashboard is open")
    parser.add_argument("--ticket-command", help="development fallback: open the ticket with this shell command instead of the form")
    args = parser.parse_args()

    run = Run(args.out)
    driver = browser()
    password = args.password
    try:
        # 1. Sign in at A; a one-time password sends the user to /password first.
        landed = sign_in(driver, args.a, args.username, password)
        if landed == "/sign-in":
            raise StepFailed("sign in at A (refused: %s)" % driver.find_element(By.CSS_SELECTOR, ".bad").text)
        run.ok("sign in at A (landed on %s)" % landed)
        if landed == "/password":
            driver.find_element(By.NAME, "current").send_keys(password)
            driver.find_element(By.NAME, "new").send_keys(args.new_password)
            driver.find_element(By.CSS_SELECTOR, "form[action='/password'] button").click()
            wait_path(driver, r"/", "change the one-time password at A")
            password = args.new_password
            run.ok("one-time password changed at A")

        # 2. Open the ticket at A through the form (the contract: title, description,
        #    priority, campus, #submit-ticket; POST /tickets redirects to /tickets/{id}).
        #    A failure here is counted, and B is still checked for the account.
        ticket_opened = False
        try:
            open_ticket(driver, run, args)
            ticket_opened = True
        except StepFailed as failure:
            run.fail(str(failure), driver)

        # 3. Sign in at B (the account, and the changed password, came by sync) and wait
        #    for the ticket's title on B's dashboard.
        deadline = time.monotonic() + args.sync_timeout
        while True:
            landed = sign_in(driver, args.b, args.username, password)
            if landed not in ("/sign-in", "/password"):
                break
            if time.monotonic() > deadline:
                raise StepFailed("sign in at B with the password changed at A (still at %s after %ds)" % (landed, args.sync_timeout))
            time.sleep(1)
        run.ok("sign in at B with the password changed at A (account synced)")
        if not ticket_opened:
            run.shot(driver, "b-dashboard.png")
            raise StepFailed("ticket title on B's dashboard: no ticket was opened at A")
        while True:
            driver.get(args.b + "/")
            if args.title in driver.page_source:
                break
            if time.monotonic() > deadline:
                raise StepFailed("ticket title on B's dashboard within %ds" % args.sync_timeout)
            time.sleep(1)
        run.ok("ticket title on B's dashboard (synced from A)")
        print("screenshot of B's dashboard: " + run.shot(driver, "b-dashboard.png"), flush=True)
        if args.live_command:
            live_update(driver, run, args)
    except StepFailed as failure:
        run.fail(str(failure), driver)
    except WebDriverException as error:
        run.fail("browser: " + (error.msg or str(error)).splitlines()[0], driver)
    finally:
        driver.quit()

    return run.summary("e2e browser summary", "e2e")


def live_update(driver, run, args):
    """B's dashboard is open; a ticket opened at A must show up on it without a reload."""
    driver.execute_script("window.__meshdeskNotReloaded = true")
    result = subprocess.run(args.live_command, shell=True, capture_output=True, text=True)
    if result.returncode != 0:
        raise StepFailed("open the live ticket at A: " + result.stderr.strip()[-300:])
    deadline = time.monotonic() + args.sync_timeout
    while args.live_title not in driver.page_source:
        if time.monotonic() > deadline:
            raise StepFailed("the ticket opened at A appears on B's open dashboard within %ds" % args.sync_timeout)
        time.sleep(0.5)
    mode = driver.execute_script("return document.documentElement.getAttribute('data-live-mode')")
    if mode != "events":
        run.fail("B's dashboard listens to the event stream (data-live-mode is %r, not 'events')" % mode, driver)
    elif driver.execute_script("return window.__meshdeskNotReloaded === true"):
        run.ok("a ticket opened at A appeared on B's open dashboard without a reload (event stream)")
    else:
        run.fail("a ticket opened at A appeared on B's dashboard, but by a full reload", driver)


def open_ticket(driver, run, args):
    if args.ticket_command:
        result = subprocess.run(args.ticket_command, shell=True, capture_output=True, text=True)
        if result.returncode != 0:
            raise StepFailed("open the ticket with the fallback command: " + result.stderr.strip()[-300:])
        run.ok("ticket opened at A by the CLI fallback (not the form)")
    else:
        driver.get(args.a + "/tickets/new")
        if not driver.find_elements(By.ID, "submit-ticket"):
            raise StepFailed("ticket form at A's /tickets/new (no #submit-ticket on the page: %s)"
                             % " ".join(driver.find_element(By.TAG_NAME, "body").text.split())[:160])
        driver.find_element(By.NAME, "title").send_keys(args.title)
        driver.find_element(By.NAME, "description").send_keys("e2e: the printer at the nurses' station jams. " + args.title)
        Select(driver.find_element(By.NAME, "priority")).select_by_value(args.priority)
        Select(driver.find_element(By.NAME, "campus")).select_by_value(args.campus)
        driver.find_element(By.ID, "submit-ticket").click()
        # /tickets/new itself matches "/tickets/<anything>": wait for the ticket's own page, or a slow
        # machine reads the form before the post has landed.
        wait_path(driver, r"/tickets/(?!new$|search$)[^/]+", "the form posts the ticket and shows its page")
        if args.title not in driver.page_source:
            raise StepFailed("the ticket page at A shows the title")
        run.ok("ticket opened through the form at A: " + path_of(driver))
        driver.get(args.a + "/tickets")
        links = [a for a in driver.find_elements(By.TAG_NAME, "a") if a.text.strip() == args.title]
        if links:
            run.ok("A's /tickets lists the title as a link")
        else:
            run.fail("A's /tickets lists the title as a link", driver)


if __name__ == "__main__":
    sys.exit(main())
