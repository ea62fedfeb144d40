#!/usr/bin/env python3
"""Headless Chromium end-to-end check of the department's duty day, across two nodes.

Run by scripts/e2e-browser.sh after the ticket flow, against the same two nodes. The
staff of a campus NORTH (三班倒, so some shift is always under way) and the month's
roster are made with the CLI at node A's data directory; everything after that is done
in the browser, as the staff would:

  1. the engineer on duty now signs in for the shift (签到) and writes the duty log at A;
  2. hands over (交接班) to a colleague, who signs it at B once it has synced;
  3. asks a colleague free around one of their later shifts to cover it (换班/顶班) at A;
     the colleague accepts at B; the 科长 approves at A;
  4. the attendance clerk (考勤员) finds the approved swap on the sheets at B;
  5. an engineer registers an asset at A, a colleague inspects it at B, and the
     inspection is on the asset's page at A;
  6. a purchase request filed at A is approved by the department head at B and the
     科长 at A; a ticket closed at A is found by its text at B.

Prints `e2e duty: N passed, M failed`; a failed step leaves a screenshot.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time
import urllib.parse

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_flow import PAGE_TIMEOUT_S, Run, StepFailed, browser, path_of, sign_in  # noqa: E402

CAMPUS = "NORTH"
POST = "network-security"
SKILL = "网络安全"
ENGINEERS = ["N0101", "N0102", "N0103", "N0104", "N0105", "N0106", "N0107", "N0108"]
CHIEF, CLERK, HEAD = "N0001", "N0002", "N0301"
CHINA = datetime.timezone(datetime.timedelta(hours=8))


class CLI:
    """The node's own CLI on A's data directory: the setup an administrator does."""

    def __init__(self, binary, data_dir, admin):
        self.binary, self.data_dir, self.admin = binary, data_dir, admin

    def run(self, *args, stdin=None, as_person=None, json_out=False):
        command = [self.binary, *args, "--data-dir", self.data_dir]
        if as_person:
            command += ["--as", as_person]
        if json_out:
            command.append("--json")
        result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise StepFailed("%s: %s" % (" ".join(args[:3]), (result.stderr or result.stdout).strip()[-400:]))
        return json.loads(result.stdout) if json_out else result.stdout


def setup(cli, password):
    """NORTH with one post, its 科长, 考勤员 and eight engineers (web accounts for all), and
    this month's and next month's roster published."""
    a = cli.admin
    cli.run("directory", "campus", "add", "--code", CAMPUS, "--name", "北院区", "--shift-set", "three-shift", as_person=a)
    cli.run("directory", "post", "add", "--campus", CAMPUS, "--id", POST, "--name-zh", "网络安全", "--name-en", "Network security",
            "--skill", SKILL, as_person=a)
    people = [(CHIEF, "北院科长", "section_chief"), (CLERK, "北院考勤员", "attendance_clerk"), (HEAD, "北院护理部主任", "department_head")]
    people += [(p, "北院工程师%d" % (i + 1), "engineer") for i, p in enumerate(ENGINEERS)]
    for person, name, role in people:
        extra = ["--post", POST, "--skill", SKILL] if role == "engineer" else []
        cli.run("directory", "person", "add", "--id", person, "--name", name, "--campus", CAMPUS, "--role", role, *extra, as_person=a)
        cli.run("user", "add", "--username", person.lower(), "--person", person, "--password-stdin", stdin=password + "\n", as_person=a)
    today = datetime.datetime.now(CHINA).date()
    this_month = today.replace(day=1)
    next_month = (this_month + datetime.timedelta(days=32)).replace(day=1)
    for month in (this_month, next_month):
        cli.run("roster", "generate", "--campus", CAMPUS, "--month", month.strftime("%Y-%m"), "--seed", "7", as_person=CHIEF)


def seats(cli):
    """(date, shift kind, seat number, holder) of NORTH's post, this month and next."""
    today = datetime.datetime.now(CHINA).date()
    months = {today.replace(day=1), (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)}
    found = []
    for month in sorted(months):
        for seat in cli.run("roster", "show", "--campus", CAMPUS, "--month", month.strftime("%Y-%m"), json_out=True):
            slot = seat["slot"]
            if slot["post"] != POST or seat.get("conflicting"):
                continue
            date = datetime.date(slot["date"]["year"], slot["date"]["month"], slot["date"]["day"])
            found.append((date, slot["shiftKind"], slot["seat"], seat.get("assignee")))
    return found


def seat_key(date, kind, number):
    return "%s|%s|%s|%s|%d" % (CAMPUS, date.isoformat(), POST, kind, number)


def on_duty_now(cli):
    for entry in cli.run("duty", "now", "--campus", CAMPUS, json_out=True):
        if entry["post"] == POST and entry.get("onDuty"):
            return entry["onDuty"][0]["person"]
    return None


class Browser:
    """One browser, signing in as each person in turn (a one-time password is changed)."""

    def __init__(self, driver, password, new_password):
        self.driver, self.password, self.new_password = driver, password, new_password
        self.changed = set()

    def as_person(self, base, person, sync_timeout):
        username = person.lower()
        deadline = time.monotonic() + sync_timeout
        while True:
            password = self.new_password if username in self.changed else self.password
            landed = sign_in(self.driver, base, username, password)
            if landed == "/password":
                self.driver.find_element(By.NAME, "current").send_keys(password)
                self.driver.find_element(By.NAME, "new").send_keys(self.new_password)
                self.driver.find_element(By.CSS_SELECTOR, "form[action='/password'] button").click()
                self.changed.add(username)
                time.sleep(0.5)
                continue
            if landed != "/sign-in":
                return
            # At B, an account (or its changed password) may not have synced yet.
            if time.monotonic() > deadline:
                raise StepFailed("sign in as %s at %s within %ds" % (username, base, sync_timeout))
            time.sleep(1)

    def page(self, url):
        self.driver.get(url)
        return self.driver.page_source

    def wait_for(self, url, text, what, timeout):
        deadline = time.monotonic() + timeout
        while text not in self.page(url):
            if time.monotonic() > deadline:
                raise StepFailed("%s within %ds" % (what, timeout))
            time.sleep(1)

    def confirmed(self, done, what):
        """After a form's button: the page it comes back to confirms `done`, or says why not."""
        try:
            WebDriverWait(self.driver, PAGE_TIMEOUT_S).until(
                lambda d: ("done=" + done) in path_of(d) or d.find_elements(By.CSS_SELECTOR, "[role=alert]"))
        except WebDriverException:
            pass
        if ("done=" + done) not in path_of(self.driver):
            alerts = self.driver.find_elements(By.CSS_SELECTOR, "[role=alert]")
            said = alerts[0].text if alerts else " ".join(self.driver.find_element(By.TAG_NAME, "body").text.split())[:200]
            raise StepFailed("%s (at %s: %s)" % (what, path_of(self.driver), said))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", required=True)
    parser.add_argument("--b", required=True)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--data-a", required=True, help="node A's data directory (the CLI writes the setup there)")
    parser.add_argument("--admin", required=True, help="the administrator's staff number")
    parser.add_argument("--sync-timeout", type=int, default=60)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    run = Run(args.out)
    cli = CLI(args.bin, args.data_a, args.admin)
    password = "duty-e2e-%d-first" % os.getpid()
    driver = browser()
    web = Browser(driver, password, password + "-changed")
    try:
        setup(cli, password)
        run.ok("NORTH's staff, accounts and roster made with the CLI at A")
        roster = seats(cli)
        outgoing = on_duty_now(cli)
        if outgoing is None:
            raise StepFailed("someone is on duty now at NORTH's %s (three shifts cover the day)" % POST)
        incoming = next(p for p in ENGINEERS if p != outgoing)

        # 1. 签到 and 值班记录 at A.
        web.as_person(args.a, outgoing, args.sync_timeout)
        web.page(args.a + "/duty")
        driver.find_element(By.ID, "sign-in").click()
        web.confirmed("sign_in", "签到 at A")
        run.ok("the engineer on duty (%s) signed in for the shift at A" % outgoing)
        log_text = "E2E 值班记录 %d：机房巡检正常" % os.getpid()
        driver.find_element(By.NAME, "text").send_keys(log_text)
        driver.find_element(By.ID, "write-log").click()
        web.confirmed("log", "值班记录 written at A")
        if log_text not in web.page(args.a + "/duty"):
            raise StepFailed("the duty log entry is on /duty at A")
        run.ok("duty log written at A")

        # 2. 交接班: started at A, signed at B.
        Select(driver.find_element(By.NAME, "post")).select_by_value(POST)
        Select(driver.find_element(By.NAME, "incoming")).select_by_value(incoming)
        driver.find_element(By.NAME, "done").send_keys("E2E 已完成：核心交换机巡检")
        driver.find_element(By.NAME, "pending").send_keys("E2E 待办：等厂商回电")
        driver.find_element(By.ID, "start-handover").click()
        web.confirmed("handover", "handover started at A")
        run.ok("handover to %s started at A" % incoming)
        web.as_person(args.b, incoming, args.sync_timeout)
        web.wait_for(args.b + "/duty", "E2E 待办：等厂商回电", "the handover reached the incoming engineer's /duty at B", args.sync_timeout)
        sign = [b for b in driver.find_elements(By.CSS_SELECTOR, "button[id^=sign-handover-]")]
        if not sign:
            raise StepFailed("a sign button for the handover at B")
        sign[0].click()
        web.confirmed("handover_signed", "handover signed at B")
        run.ok("the incoming engineer signed the handover at B")
        run.shot(driver, "duty-b-after-handover.png")

        # 3. 换班: a later shift of the outgoing engineer, covered by a colleague free the
        #    day before, that day and the day after (no rest rule can break).
        today = datetime.datetime.now(CHINA).date()
        busy = {}
        for date, _, _, holder in roster:
            if holder:
                busy.setdefault(holder, set()).add(date)
        choice = None
        for date, kind, number, holder in sorted(roster):
            if holder != outgoing or date < today + datetime.timedelta(days=3):
                continue
            free = [p for p in ENGINEERS if p not in (outgoing, incoming)
                    and not busy.get(p, set()) & {date - datetime.timedelta(days=1), date, date + datetime.timedelta(days=1)}]
            if free:
                choice = (seat_key(date, kind, number), free[0])
                break
        if choice is None:
            raise StepFailed("a later shift of %s that a free colleague can cover" % outgoing)
        seat, colleague = choice
        reason = "E2E 换班 %d：家中有事" % os.getpid()
        web.as_person(args.a, outgoing, args.sync_timeout)
        web.page(args.a + "/duty")
        Select(driver.find_element(By.NAME, "seat")).select_by_value(seat)
        Select(driver.find_element(By.NAME, "colleague")).select_by_value(colleague)
        driver.find_element(By.CSS_SELECTOR, "form[action='/duty/swap'] input[name=reason]").send_keys(reason)
        driver.find_element(By.ID, "request-swap").click()
        web.confirmed("swap", "swap requested at A")
        run.ok("a cover of %s asked of %s at A" % (seat, colleague))

        web.as_person(args.b, colleague, args.sync_timeout)
        web.wait_for(args.b + "/duty", reason, "the swap reached the colleague's /duty at B", args.sync_timeout)
        accept = driver.find_elements(By.CSS_SELECTOR, "button[id^=accept-swap-]")
        if not accept:
            raise StepFailed("an accept button for the swap at B")
        swap_id = accept[0].get_attribute("id")[len("accept-swap-"):]
        accept[0].click()
        web.confirmed("swap_accepted", "swap accepted at B")
        run.ok("the colleague accepted at B")

        web.as_person(args.a, CHIEF, args.sync_timeout)
        approve = "form[action='/approvals/swap/%s/approve'] button" % swap_id
        deadline = time.monotonic() + args.sync_timeout
        while not driver.find_elements(By.CSS_SELECTOR, approve):
            if time.monotonic() > deadline:
                raise StepFailed("the accepted swap on the chief's /approvals at A within %ds" % args.sync_timeout)
            web.page(args.a + "/approvals")
            time.sleep(0.5)
        driver.find_element(By.CSS_SELECTOR, approve).click()
        try:
            WebDriverWait(driver, PAGE_TIMEOUT_S).until(lambda d: not d.find_elements(By.CSS_SELECTOR, approve))
        except WebDriverException:
            raise StepFailed("the chief's approval at A is taken (the approve button is still there)")
        if reason not in web.page(args.a + "/approvals") or "已批准" not in driver.page_source:
            raise StepFailed("the approved swap stays on /approvals at A under 已处理")
        run.ok("the chief approved at A; it stays under 已处理")
        run.shot(driver, "duty-a-approvals.png")

        # 4. The clerk files it at B.
        web.as_person(args.b, CLERK, args.sync_timeout)
        month = datetime.date.fromisoformat(seat.split("|")[1]).strftime("%Y-%m")
        web.wait_for(args.b + "/attendance?campus=%s&month=%s" % (CAMPUS, month), reason,
                     "the approved swap on the clerk's /attendance at B", args.sync_timeout)
        run.ok("the attendance clerk sees the approved swap at B")
        run.shot(driver, "duty-b-attendance.png")

        # 5. 资产: an engineer registers an asset at A; a colleague inspects it at B once it
        #    has synced; the inspection is on its page back at A.
        tag = "N-PC-E2E-%d" % os.getpid()
        web.as_person(args.a, ENGINEERS[3], args.sync_timeout)
        web.page(args.a + "/assets/new")
        driver.find_element(By.NAME, "tag").send_keys(tag)
        driver.find_element(By.NAME, "name").send_keys("护士站电脑 E2E")
        Select(driver.find_element(By.NAME, "campus")).select_by_value(CAMPUS)
        Select(driver.find_element(By.NAME, "type")).select_by_value("pc")
        driver.find_element(By.NAME, "location").send_keys("住院部三楼护士站")
        driver.find_element(By.NAME, "inspectionDays").send_keys("30")
        driver.find_element(By.ID, "submit-asset").click()
        web.confirmed("register", "asset registered at A")
        run.ok("asset %s registered through the form at A" % tag)
        web.as_person(args.b, ENGINEERS[4], args.sync_timeout)
        web.wait_for(args.b + "/assets/" + tag, "form-inspect", "the asset's page with its inspection form at B", args.sync_timeout)
        finding = "E2E 巡检 %d：风扇积灰已清理" % os.getpid()
        driver.find_element(By.CSS_SELECTOR, "#form-inspect input[name=note]").send_keys(finding)
        driver.find_element(By.CSS_SELECTOR, "#form-inspect button").click()
        web.confirmed("inspect", "inspection recorded at B")
        run.ok("a colleague recorded an inspection round at B")
        web.as_person(args.a, ENGINEERS[3], args.sync_timeout)
        web.wait_for(args.a + "/assets/" + tag, finding, "the inspection from B on the asset's page at A", args.sync_timeout)
        run.ok("the inspection recorded at B is on the asset's page at A")
        run.shot(driver, "assets-a-asset-page.png")

        # 6. 申请: a purchase filed at A, approved by the department head at B and the
        #    科长 at A; a ticket closed at A (with the CLI) found by its text at B.
        title = "E2E 护士站电脑 %d" % os.getpid()
        web.as_person(args.a, ENGINEERS[3], args.sync_timeout)
        web.page(args.a + "/requests/new?kind=purchase")
        Select(driver.find_element(By.NAME, "campus")).select_by_value(CAMPUS)
        driver.find_element(By.NAME, "title").send_keys(title)
        driver.find_element(By.NAME, "reason").send_keys("旧机无法运行新版 HIS")
        driver.find_element(By.NAME, "department").send_keys("护理部")
        driver.find_element(By.NAME, "quantity").send_keys("2")
        driver.find_element(By.ID, "submit-request").click()
        web.confirmed("filed", "purchase request filed at A")
        request_path = path_of(driver).split("?")[0]
        run.ok("purchase request filed at A: " + request_path)
        web.as_person(args.b, HEAD, args.sync_timeout)
        web.wait_for(args.b + request_path, 'id="department-approve"', "the request with the department head's approval at B", args.sync_timeout)
        driver.find_element(By.ID, "department-approve").click()
        web.confirmed("department-approve", "department head's approval at B")
        run.ok("the department head approved at B")
        web.as_person(args.a, CHIEF, args.sync_timeout)
        web.wait_for(args.a + request_path, 'id="approve"', "the request with the chief's approval at A", args.sync_timeout)
        driver.find_element(By.ID, "approve").click()
        web.confirmed("approve", "the chief's approval at A")
        if "已批准" not in driver.page_source or "北院护理部主任" not in driver.page_source:
            raise StepFailed("the request's page at A says 已批准 with both steps")
        run.ok("the chief approved at A; its page shows both steps")
        run.shot(driver, "requests-a-approved.png")

        text = "E2E 已关闭 %d 门诊叫号屏黑屏" % os.getpid()
        opened = cli.run("ticket", "open", "--campus", CAMPUS, "--reporter", "门诊", "--department", "门诊部", "--category", "network",
                         "--description", text, as_person=ENGINEERS[3], json_out=True)
        number = opened["number"]
        cli.run("ticket", "assign", number, "--to", ENGINEERS[3], as_person=CHIEF)
        cli.run("ticket", "step", "start", number, as_person=ENGINEERS[3])
        cli.run("ticket", "resolve", number, "--root-cause", "电源松动", "--improvement", "加固电源线", as_person=ENGINEERS[3])
        cli.run("ticket", "close", number, as_person=ENGINEERS[3])
        web.as_person(args.b, ENGINEERS[4], args.sync_timeout)
        web.wait_for(args.b + "/tickets/search?q=" + urllib.parse.quote("门诊叫号屏黑屏"),
                     'href="/tickets/%s"' % number, "the closed ticket found by its text at B", args.sync_timeout)
        run.ok("the closed ticket %s found by its text at B" % number)
        run.shot(driver, "tickets-b-search.png")
    except StepFailed as failure:
        run.fail(str(failure), driver)
    except WebDriverException as error:
        run.fail("browser: " + (error.msg or str(error)).splitlines()[0], driver)
    finally:
        driver.quit()
    return run.summary("e2e duty summary", "e2e duty")


if __name__ == "__main__":
    sys.exit(main())
