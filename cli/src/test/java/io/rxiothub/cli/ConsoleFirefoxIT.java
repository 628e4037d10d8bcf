// The emulator's web console in Firefox: Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi (no
// geckodriver) from src/test/firefox/console-firefox.mjs, which the pom installs with npm ci into
// target/console-firefox. Our DeviceClient sends telemetry while the script signs in, finds the device, waits for
// the telemetry row and sends a desired patch that the device must receive. Ephemeral ports only; screenshots under
// target/console-screenshots/firefox-*.png.
package io.rxiothub.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.twin.TwinPatch;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleFirefoxIT {

  private static final String DEVICE = "firefox-dev";
  private static final String PAYLOAD = "{\"temperature\":19.5,\"browser\":\"firefox\"}";
  private static final Path FIREFOX = Paths.get(System.getProperty("rxiothub.firefox", "/usr/bin/firefox-esr"));
  private static final Path SCRIPT_DIR = Paths.get("target", "console-firefox");
  private static final Path SCRIPT = SCRIPT_DIR.resolve("console-firefox.mjs");
  private static final Path PUPPETEER = SCRIPT_DIR.resolve("node_modules/puppeteer-core/package.json");

  private HubEmulator hub;
  private DeviceClient device;
  private Disposable telemetry;
  private final List<TwinPatch> desired = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
  }

  @AfterEach
  void stop() {
    try {
      if (telemetry != null) {
        telemetry.dispose();
      }
      if (device != null) {
        device.close();
      }
    } finally {
      hub.close();
    }
  }

  @Test
  void signsInSeesTheDeviceAndItsTelemetryAndEditsDesiredInFirefox() throws Exception {
    String node = requireTools();
    hub.registry().createDevice(DEVICE);
    device = DeviceClient.builder().connectionString(hub.registry().get(DEVICE).orElseThrow().connectionString())
        .port(hub.mqttPort()).trustStore(hub.trustStore()).build();
    device.twin().desiredUpdates().subscribe(desired::add);
    device.connect().blockingAwait(20, TimeUnit.SECONDS);
    // The console shows telemetry that arrives while it follows the device: keep sending until the script is done.
    telemetry = Observable.interval(0, 500, TimeUnit.MILLISECONDS)
        .concatMapCompletable(i -> device.send(Message.builder().payload(PAYLOAD.getBytes(UTF_8)).build())
            .onErrorComplete())
        .subscribe();

    ProcessBuilder script = new ProcessBuilder(node, SCRIPT.getFileName().toString(), hub.consoleUrl(), DEVICE,
        PAYLOAD, "{\"interval\": 7}", HeadlessChromium.SCREENSHOTS.toAbsolutePath().toString())
        .directory(SCRIPT_DIR.toFile()).redirectErrorStream(true);
    script.environment().put("RXIOTHUB_CONNECTION_STRING", hub.serviceConnectionString());
    script.environment().put("RXIOTHUB_FIREFOX", FIREFOX.toString());
    Process process = script.start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the Firefox script ends").isTrue();

    assertThat(process.exitValue()).as("exit code of console-firefox.mjs; its output:%n%s", output).isZero();
    assertThat(output.lines()).containsSubsequence("ok sign-in", "ok devices", "ok telemetry", "ok twin", "done");
    assertThat(output).doesNotContain(hub.serviceConnectionString().split("SharedAccessKey=")[1]);
    for (String page : Arrays.asList("sign-in", "devices", "telemetry", "twin")) {
      assertThat(HeadlessChromium.SCREENSHOTS.resolve("firefox-" + page + ".png")).isNotEmptyFile();
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !desired.isEmpty());
    assertThat(desired.get(0).toJson()).contains("\"interval\":7");
  }

  /** Fails, naming what to install, when the browser, node or the script's npm install is missing. */
  private static String requireTools() {
    if (!Files.isExecutable(FIREFOX)) {
      throw new IllegalStateException("the console's Firefox test needs Debian's firefox-esr at " + FIREFOX
          + ": run 'apt-get install -y firefox-esr' (.ci/run does it on CI)");
    }
    String node = findOnPath("node");
    if (node == null) {
      throw new IllegalStateException("the console's Firefox test needs Node.js on the PATH: run"
          + " 'apt-get install -y nodejs npm' (.ci/run does it on CI)");
    }
    if (!Files.isRegularFile(PUPPETEER) || !Files.isRegularFile(SCRIPT)) {
      throw new IllegalStateException("puppeteer-core is not installed in " + SCRIPT_DIR.toAbsolutePath()
          + ": cli's pom runs 'npm ci' there before the integration tests (needs npm on the PATH); run"
          + " './mvnw -B verify -pl cli -am' rather than the test alone");
    }
    return node;
  }

  private static String findOnPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Paths.get(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
