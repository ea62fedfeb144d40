#!/usr/bin/env python3
"""Screenshots of dashboard pages, as a user sees them, for review.

    /usr/bin/python3 scripts/e2e/screenshots.py BASE USERNAME PASSWORD OUTDIR PATH...

Signs in at BASE (e.g. http://127.0.0.1:8080) and saves, for every PATH, a full-page PNG
in Chinese and one in English (OUTDIR/<path>-zh.png, -en.png). Prints each file. A
one-time password (the demo's accounts) is changed to PASSWORD + "-reviewed" when the
dashboard asks, and the new one printed."""
import os
import re
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def main():
    if len(sys.argv) < 6:
        print(__doc__)
        return 2
    base, username, password, out = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    try:
        driver.get(base + "/sign-in")
        driver.find_element(By.NAME, "username").send_keys(username)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button").click()
        WebDriverWait(driver, 20).until(lambda d: not d.current_url.split("?")[0].endswith("/sign-in")
                                        or d.find_elements(By.CSS_SELECTOR, ".bad"))
        if driver.current_url.split("?")[0].endswith("/sign-in"):
            print("sign-in as %s refused: %s" % (username, driver.find_element(By.CSS_SELECTOR, ".bad").text.strip()[:200]))
            return 1
        if driver.current_url.split("?")[0].endswith("/password"):
            driver.find_element(By.NAME, "current").send_keys(password)
            driver.find_element(By.NAME, "new").send_keys(password + "-reviewed")
            driver.find_element(By.CSS_SELECTOR, "form[action='/password'] button").click()
            print("password of %s is now %s-reviewed" % (username, password))
        for path in sys.argv[5:]:
            for lang in ("zh", "en"):
                joiner = "&" if "?" in path else "?"
                driver.set_window_size(1280, 600)   # measure each page from the same small window
                driver.get(base + path + joiner + "lang=" + lang)
                height = driver.execute_script("return document.documentElement.scrollHeight")
                # The window's size includes the browser's own frame: add what the
                # viewport lacks, or the bottom of a long page is cut off.
                driver.set_window_size(1280, min(max(height + 40, 600), 6000))
                chrome = driver.execute_script("return window.outerHeight - window.innerHeight")
                if chrome > 0:
                    driver.set_window_size(1280, min(max(height + 40 + chrome, 600), 6000))
                name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
                file = os.path.join(out, "%s-%s.png" % (name, lang))
                driver.save_screenshot(file)
                print(file)
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
