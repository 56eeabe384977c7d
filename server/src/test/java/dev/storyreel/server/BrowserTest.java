package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}, at {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}, or {@code
 * -Dstoryreel.chromium=...} and {@code -Dstoryreel.chromedriver=...}): submit a story, see the
 * storyboard sheet, approve, and see the video element load the result. Skipped, with a message,
 * when they are not installed.
 */
class BrowserTest {
  @TempDir Path dir;

  @Test
  void submitApproveAndWatchTheVideoLoad() {
    Path chromium = Path.of(System.getProperty("storyreel.chromium", "/usr/bin/chromium"));
    Path driverBin = Path.of(System.getProperty("storyreel.chromedriver",
        "/usr/bin/chromedriver"));
    assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driverBin),
        "BrowserTest skipped: install Debian's chromium and chromium-driver"
            + " (apt-get install -y chromium chromium-driver) to run it");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
        "--user-data-dir=" + dir.resolve("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(driverBin.toFile()).usingAnyFreePort().build();
    try (TestServer s = new TestServer(dir.resolve("server"))) {
      ChromeDriver driver = new ChromeDriver(service, options);
      try {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(180));
        driver.get(s.uri("/").toString());
        driver.findElement(By.id("apiKey")).sendKeys(TestServer.KEY);
        driver.findElement(By.id("title")).sendKeys("In the browser");
        driver.findElement(By.id("text")).sendKeys("The lamp flickered. Then the door opened.");
        driver.findElement(By.cssSelector("#format option[value='90x160']")).click();
        driver.findElement(By.cssSelector("#music option[value='none']")).click();
        assertThat(driver.findElement(By.id("requireApproval")).isSelected()).isTrue();
        driver.findElement(By.id("submit")).click();

        wait.until(ExpectedConditions.textToBe(By.id("state"), "AWAITING_APPROVAL"));
        // The sheet was fetched with the key and shown.
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
            "const i = document.getElementById('sheet'); return i.complete && i.naturalWidth > 0;"));
        driver.findElement(By.id("approve")).click();

        wait.until(ExpectedConditions.textToBe(By.id("state"), "COMPLETED"));
        // The video element has loaded the result's metadata: a real, positive duration.
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
            "const v = document.getElementById('video'); return v.readyState >= 1"
                + " && v.duration > 0;"));
        Object duration = ((JavascriptExecutor) driver).executeScript(
            "return document.getElementById('video').duration;");
        assertThat(((Number) duration).doubleValue()).isGreaterThan(0.5);
        assertThat(driver.findElement(By.id("error")).getText()).isEmpty();
      } finally {
        driver.quit();
      }
    }
  }
}
