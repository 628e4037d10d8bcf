// Debian's chromium driven through chromium-driver by Selenium WebDriver for the console's browser tests: headless,
// a fresh profile per run, no network beyond the page's own origin; screenshots under target/.
package io.rxiothub.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Starts and stops one headless Chromium. */
final class HeadlessChromium implements AutoCloseable {

  /** Where Debian's packages put the browser and its driver. */
  private static final List<String> BROWSERS = List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium");
  private static final String DRIVER = "/usr/bin/chromedriver";
  static final Path SCREENSHOTS = Paths.get("target", "console-screenshots");

  private final Path profile;
  private final ChromeDriver driver;

  HeadlessChromium() {
    String browser = BROWSERS.stream().filter(p -> Files.isExecutable(Paths.get(p))).findFirst().orElse(null);
    if (browser == null || !Files.isExecutable(Paths.get(DRIVER))) {
      throw new IllegalStateException("the console's browser tests need Debian's chromium and chromium-driver"
          + " (" + (browser == null ? "no chromium at " + BROWSERS : "no chromedriver at " + DRIVER) + "): run"
          + " 'apt-get install -y chromium chromium-driver' (.ci/run does it on CI)");
    }
    try {
      profile = Files.createTempDirectory("rxiothub-console-chromium");
      Files.createDirectories(SCREENSHOTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions().setBinary(browser)
        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
    // The emulator's CA is issued per run; the browser's own trust store does not know it. The console's HTTPS is
    // what is tested here, not the browser's certificate store.
    options.setAcceptInsecureCerts(true);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Paths.get(DRIVER).toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Writes target/console-screenshots/{name}.png and returns the file. */
  Path screenshot(String name) {
    try {
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp profile left behind is harmless
      }
    }
  }
}
