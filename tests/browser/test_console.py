"""The local test console in a real browser (Debian's chromium, driven by selenium): the page a
skill developer uses to talk to the skill, hear its clips, see its screen and its stream.

Screenshots of each state are written to SCREENSHOTS, for review.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factlocal.stack import free_port
from tests.conftest import REPO_ROOT
from tests.support import spawn_until

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SCREENSHOTS = REPO_ROOT / "build" / "console-screenshots"
WAIT_SECONDS = 30


def _browser_or_skip() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    message = "Debian's chromium and chromium-driver are not installed (make browser)"
    if os.environ.get("BROWSER_TESTS") == "required":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def console() -> Iterator[str]:
    """The local stack (en-US, audio built or reused) with its console; the console's URL."""
    _browser_or_skip()
    port, console_port = free_port(), free_port()
    command = ["scripts/stack.py", "--locale", "en-US", "--port", str(port)]
    seen: list[str] = []
    process, _ = spawn_until(
        [*command, "--console-port", str(console_port)],
        r"^Ctrl-C stops everything",
        timeout=300,
        seen=seen,
    )
    url = f"http://127.0.0.1:{console_port}/"
    assert f"test console: {url} (in your browser)\n" in seen  # printed at start-up
    try:
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(WAIT_SECONDS)
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition)


def say(driver: Any, text: str) -> Any:
    """Type `text` and press Enter; return the new turn's element once it has rendered."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    before = len(driver.find_elements(By.CSS_SELECTOR, "#turns li.turn"))
    box = driver.find_element(By.ID, "utterance")
    box.send_keys(text, Keys.ENTER)
    wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#turns li.turn")) > before)
    return driver.find_elements(By.CSS_SELECTOR, "#turns li.turn")[-1]


def shot(driver: Any, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def open_console(driver: Any, url: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url)
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))


def choose_device(driver: Any, device: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "device")).select_by_value(device)
    wait_for(
        driver,
        lambda d: (
            "New conversation: en-US on" in d.find_elements(By.CSS_SELECTOR, "#turns li")[-1].text
        ),
    )


def test_open_the_skill_hear_a_valid_clip_see_the_envelopes(console: str, browser: Any) -> None:
    from mutagen.mp3 import MP3
    from selenium.webdriver.common.by import By

    open_console(browser, console)
    turn = say(browser, "open serverless facts")
    assert turn.find_element(By.CSS_SELECTOR, ".you").text == "You: open serverless facts"
    assert "-> LaunchRequest" in turn.text
    assert "Alexa: Welcome to Serverless Facts. Here's your first fact." in turn.text
    assert "Reprompt: Would you like another fact?" in turn.text
    assert "Card: Serverless Facts |" in turn.text and "session open" in turn.text
    clip = turn.find_element(By.CSS_SELECTOR, "audio.clip")
    # the browser itself decodes the clip: a duration means it is a playable MP3
    duration = browser.execute_async_script(
        "const [clip, done] = arguments;"
        "if (clip.readyState >= 1) return done(clip.duration);"
        "clip.addEventListener('loadedmetadata', () => done(clip.duration));"
        "clip.addEventListener('error', () => done(-1)); clip.load();",
        clip,
    )
    assert duration > 1
    with urllib.request.urlopen(clip.get_attribute("src"), timeout=10) as answer:
        data = answer.read()
    info = MP3(io.BytesIO(data)).info
    assert (info.version, info.layer, info.bitrate, info.sample_rate) == (2, 3, 48000, 24000)
    details = turn.find_elements(By.CSS_SELECTOR, "details")
    assert [d.find_element(By.TAG_NAME, "summary").text for d in details] == [
        "Request envelope",
        "Response envelope",
    ]
    details[1].click()
    assert '"shouldEndSession": false' in details[1].find_element(By.TAG_NAME, "pre").text
    shot(browser, "01-launch-echo-dot")


def test_a_screen_device_shows_the_preview_of_the_fact_view(console: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    open_console(browser, console)
    choose_device(browser, "echo-show")
    turn = say(browser, "ask serverless facts for a fact about pricing")
    assert "GetNewFactIntent" in turn.text
    display = browser.find_element(By.ID, "display")
    assert display.is_displayed()
    assert "preview, not Alexa's renderer" in display.text
    card = re.search(r"Card: Serverless Facts \| (.+)", turn.text)
    assert card is not None
    assert browser.find_element(By.ID, "screen-text").text == card.group(1)
    assert browser.find_element(By.ID, "screen-topic").text == "· pricing"
    assert "Alexa, another fact" in browser.find_element(By.ID, "screen-hint").text
    shot(browser, "02-echo-show-screen-preview")
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, "viewport")).select_by_value("480x480-round")
    screen = browser.find_element(By.ID, "screen")
    assert "round" in screen.get_attribute("class").split()
    assert abs(screen.size["width"] - screen.size["height"]) <= 2  # a circle's box
    shot(browser, "02b-echo-spot-round-preview")


def test_play_all_facts_plays_the_stream_and_queues_the_next_fact(
    console: str, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    open_console(browser, console)
    choose_device(browser, "echo-show")
    turn = say(browser, "ask serverless facts to play all facts")
    assert "Directive: AudioPlayer.Play REPLACE_ALL" in turn.text and "session ended" in turn.text
    now = browser.find_element(By.ID, "now-playing")
    wait_for(browser, lambda d: "Fact 1 of" in now.text)
    stream = browser.find_element(By.ID, "stream")
    assert stream.get_attribute("src").startswith(console + "api/audio?url=")
    shot(browser, "03-playing-fact-1")
    browser.find_element(By.ID, "advance").click()  # the device's events for this track
    events = browser.find_element(By.ID, "events")
    wait_for(browser, lambda d: "PlaybackFinished" in events.text)
    assert re.search(
        r"PlaybackNearlyFinished .+\n<- AudioPlayer\.Play ENQUEUE .+Fact 2 of", events.text
    )
    wait_for(browser, lambda d: "Fact 2 of" in now.text)
    shot(browser, "04-next-fact-queued-and-playing")
    browser.find_element(By.ID, "pause").click()
    wait_for(
        browser,
        lambda d: (
            "Directive: AudioPlayer.Stop"
            in d.find_elements(By.CSS_SELECTOR, "#turns li.turn")[-1].text
        ),
    )
    wait_for(browser, lambda d: "(stopped)" in now.text)
    shot(browser, "05-paused")
