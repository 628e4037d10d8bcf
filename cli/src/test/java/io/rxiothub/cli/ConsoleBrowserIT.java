// The emulator's web console in a real browser (headless Chromium through Selenium): sign in, create a device, watch
// our DeviceClient's telemetry live and in the chart, edit desired, invoke a method, send C2D, drop and reconnect,
// see a file our DeviceClient uploaded, and bad input shown as messages. Ephemeral ports only; screenshots under
// target/console-screenshots/.
package io.rxiothub.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.twin.TwinPatch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

  private static final String DEVICE = "console-dev";

  private static HubEmulator hub;
  private static HeadlessChromium chromium;
  private static ChromeDriver browser;
  private static WebDriverWait wait;
  private static DeviceClient device;
  private static final List<TwinPatch> desired = new CopyOnWriteArrayList<>();
  private static final List<CloudMessage> received = new CopyOnWriteArrayList<>();
  private static final List<ConnectionState> states = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    chromium = new HeadlessChromium();
    browser = chromium.driver();
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    try {
      if (device != null) {
        device.close();
      }
      if (chromium != null) {
        chromium.close();
      }
    } finally {
      hub.close();
    }
  }

  private static WebElement find(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  private static void type(String id, String text) {
    WebElement field = find(id);
    field.clear();
    field.sendKeys(text);
  }

  private static void click(String id) {
    wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
  }

  private static void open(String page) {
    click("nav-" + page);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("page-" + page)));
  }

  private static String textOf(String id) {
    return find(id).getText();
  }

  private static void awaitText(String id, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
  }

  @Test
  @Order(1)
  void signInRefusesADeviceConnectionStringAndNeverOpensWithoutCredentials() {
    browser.get(hub.consoleUrl());
    find("login");
    assertThat(browser.findElements(By.id("nav-devices"))).isEmpty();
    hub.registry().createDevice("just-a-device");
    type("credential", hub.registry().get("just-a-device").orElseThrow().connectionString());
    click("sign-in");
    awaitText("login-error", "device connection string");
    String wrongKey = hub.serviceConnectionString().replaceAll("SharedAccessKey=[^;]+",
        "SharedAccessKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    type("credential", wrongKey);
    click("sign-in");
    awaitText("login-error", "The hub refused these credentials");
    assertThat(textOf("login-error")).contains("signature does not match").doesNotContain("AAAAAAAA");
    chromium.screenshot("0-sign-in");
    type("credential", hub.serviceConnectionString());
    click("sign-in");
    find("nav-devices");
    assertThat(textOf("hub-name")).contains("iothubowner");
    assertThat(browser.getPageSource()).doesNotContain(hub.serviceConnectionString().split("SharedAccessKey=")[1]);
  }

  @Test
  @Order(2)
  void createsADeviceAndShowsItsConnectionStringOnlyWhenAsked() {
    open("devices");
    type("new-device-id", DEVICE);
    click("create-device");
    wait.until(d -> d.findElements(By.cssSelector("[data-device='" + DEVICE + "']")).size() == 1);
    DeviceIdentity created = hub.registry().get(DEVICE).orElseThrow();
    assertThat(browser.getPageSource()).doesNotContain(created.primaryKey());
    browser.findElement(By.cssSelector("button[aria-label='Show connection string of " + DEVICE + "']")).click();
    awaitText("connection-string", "DeviceId=" + DEVICE);
    assertThat(textOf("connection-string")).isEqualTo(created.connectionString());
    chromium.screenshot("1-devices");
    click("hide-connection-string");
    wait.until(d -> !d.getPageSource().contains(created.primaryKey()));
  }

  @Test
  @Order(3)
  void showsTheDeviceTelemetryLiveAndInTheChart() {
    device = DeviceClient.builder().connectionString(hub.registry().get(DEVICE).orElseThrow().connectionString())
        .port(hub.mqttPort()).trustStore(hub.trustStore()).reconnectBackoff(50, 500).build();
    device.twin().desiredUpdates().subscribe(desired::add);
    device.cloudMessages().subscribe(received::add);
    device.connectionStates().subscribe(states::add);
    device.methods().handle("reboot", request -> Single.just(MethodResponse.ofJson(200,
        "{\"rebooting\":true,\"asked\":" + request.payloadAsString() + "}")));
    device.connect().blockingAwait(20, TimeUnit.SECONDS);
    open("telemetry");
    type("telemetry-device", DEVICE);
    click("telemetry-follow");
    for (int i = 0; i < 3; i++) {
      device.send(Message.builder().payload(("{\"temperature\":" + (21 + i) + ",\"humidity\":" + (40 + i) + "}")
          .getBytes(UTF_8)).property("room", "lab").build()).blockingAwait(10, TimeUnit.SECONDS);
    }
    wait.until(d -> d.findElements(By.cssSelector("#telemetry-rows tr")).size() == 3);
    assertThat(textOf("telemetry-rows")).contains("{\"temperature\":23,\"humidity\":42}").contains("room=lab")
        .contains("$.cdid=" + DEVICE);
    WebElement chart = find("telemetry-chart");
    wait.until(d -> "3".equals(chart.getAttribute("data-points")));
    assertThat(chart.getAttribute("data-series")).isEqualTo("temperature,humidity");
    assertThat(chart.findElements(By.tagName("canvas"))).isNotEmpty();
    chromium.screenshot("2-telemetry");
    type("telemetry-filter", "\"temperature\":22");
    wait.until(d -> d.findElements(By.cssSelector("#telemetry-rows tr")).size() == 1);
    assertThat(textOf("telemetry-rows")).contains("\"humidity\":41").doesNotContain("\"humidity\":42");
  }

  @Test
  @Order(4)
  void editingDesiredReachesTheDeviceAndInvalidJsonIsExplained() {
    browser.get(hub.consoleUrl() + "#twin/" + DEVICE);
    awaitText("twin-versions", "desired $version");
    type("desired-patch", "{\"interval\": ");
    click("desired-send");
    awaitText("twin-error", "The desired patch is not valid JSON");
    type("desired-patch", "{\"interval\": 5}");
    click("desired-send");
    awaitText("twin-patch-result", "sent to the device");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !desired.isEmpty());
    assertThat(desired.get(0).toJson()).contains("\"interval\":5");
    device.twin().updateReported(TwinPatch.parse("{\"battery\":61}")).blockingGet();
    awaitText("twin-reported", "\"battery\": 61");
    chromium.screenshot("3-twin");
  }

  @Test
  @Order(5)
  void invokesAMethodAndExplainsATimeOut() {
    open("methods");
    type("method-device", DEVICE);
    type("method-name", "reboot");
    type("method-payload", "{\"delay\": 1}");
    click("method-invoke");
    awaitText("method-status", "status 200");
    assertThat(textOf("method-answer")).contains("\"rebooting\": true").contains("\"delay\": 1");
    device.methods().handle("slow", request -> Single.never());
    type("method-name", "slow");
    type("method-response-timeout", "5");
    click("method-invoke");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(
        By.id("method-error"), "did not answer within 5 s"));
    assertThat(textOf("method-history-table")).contains("status 200").contains("GatewayTimeout");
    chromium.screenshot("4-methods");
  }

  @Test
  @Order(6)
  void sendsACloudToDeviceMessageAndShowsItCompleted() {
    open("c2d");
    type("c2d-device", DEVICE);
    type("c2d-payload", "{\"led\":\"on\"}");
    type("c2d-properties", "color=blue");
    click("c2d-send");
    awaitText("c2d-sent", "Queued message");
    wait.until(d -> d.findElements(By.cssSelector(".c2d-state.state-COMPLETED")).size() == 1);
    assertThat(received).hasSize(1);
    assertThat(new String(received.get(0).payload(), UTF_8)).isEqualTo("{\"led\":\"on\"}");
    assertThat(received.get(0).applicationProperties()).containsEntry("color", "blue");
    chromium.screenshot("5-c2d");
  }

  @Test
  @Order(7)
  void dropShowsTheDeviceReconnect() {
    open("faults");
    type("fault-device", DEVICE);
    awaitText("fault-accepted", "1");
    click("fault-drop");
    awaitText("fault-result", "Drop: done");
    wait.until(d -> d.findElement(By.id("fault-accepted")).getText().equals("2")
        && d.findElement(By.id("fault-state")).getText().equals("Connected"));
    assertThat(states).extracting(ConnectionState::status).contains(ConnectionState.Status.RECONNECTING);
    chromium.screenshot("6-faults");
  }

  @Test
  @Order(8)
  void anUnknownDeviceIsAClearMessageNotAStackTrace() {
    browser.get(hub.consoleUrl() + "#twin/ghost");
    awaitText("twin-error", "Could not read the twin of ghost");
    assertThat(textOf("twin-error")).contains("DeviceNotFound").doesNotContain("Exception").doesNotContain("at io.");
    open("c2d");
    type("c2d-device", "ghost");
    type("c2d-payload", "x");
    click("c2d-send");
    awaitText("c2d-error", "The hub refused the message");
    assertThat(textOf("c2d-error")).contains("ghost");
  }

  @Test
  @Order(9)
  void disablesAndDeletesADeviceFromTheDevicesPage() {
    hub.registry().createDevice("doomed");
    open("devices");
    By disable = By.cssSelector("button[aria-label='Disable doomed']");
    wait.until(ExpectedConditions.elementToBeClickable(disable)).click();
    wait.until(d -> !hub.registry().get("doomed").orElseThrow().enabled());
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label='Enable doomed']")));
    browser.findElement(By.cssSelector("button[aria-label='Delete doomed']")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(d -> hub.registry().get("doomed").isEmpty());
    wait.until(d -> d.findElements(By.cssSelector("[data-device='doomed']")).isEmpty());
  }

  @Test
  @Order(10)
  void tagsPatchUpdatesTheTwin() {
    browser.get(hub.consoleUrl() + "#twin/" + DEVICE);
    awaitText("twin-versions", "desired $version");
    type("tags-patch", "{\"floor\": 3}");
    click("tags-send");
    awaitText("twin-patch-result", "Tags updated");
    awaitText("twin-tags", "\"floor\": 3");
    assertThat(hub.twin(DEVICE).blockingGet().replace(" ", "")).contains("\"floor\":3");
  }

  @Test
  @Order(11)
  void showsAFileOurDeviceClientUploadedAndExplainsAnUnknownDeviceFilter() throws Exception {
    DeviceIdentity identity = hub.registry().createDevice("files-dev");
    byte[] content = "console upload".getBytes(UTF_8);
    try (DeviceClient uploader = DeviceClient.builder().connectionString(identity.connectionString())
        .trustStore(hub.trustStore()).httpsPort(hub.webSocketPort()).build()) {
      uploader.files().upload("notes/hello.txt", () -> new java.io.ByteArrayInputStream(content))
          .blockingSubscribe();
    }
    open("files");
    By row = By.cssSelector(".files-result[data-blob='files-dev/notes/hello.txt']");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row));
    assertThat(browser.findElement(row).getText()).isEqualTo("success");
    assertThat(textOf("files-table")).contains("files-dev/notes/hello.txt").contains(content.length + " B")
        .contains("uploaded");
    assertThat(browser.findElements(By.cssSelector("button[aria-label='Download files-dev/notes/hello.txt']")))
        .hasSize(1);
    assertThat(browser.getPageSource()).doesNotContain("sig=").doesNotContain(identity.primaryKey());
    chromium.screenshot("7-files");
    type("files-device", "ghost\t");
    awaitText("files-error", "Could not read the upload notifications of ghost");
    assertThat(textOf("files-error")).contains("device 'ghost' is not registered").contains("DeviceNotFound")
        .doesNotContain("Exception").doesNotContain("at io.");
    type("files-device", "files-dev\t");
    awaitText("files-table", "of files-dev, newest first");
    wait.until(d -> !d.findElement(By.id("files-error")).isDisplayed());
  }
}
