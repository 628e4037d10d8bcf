package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.MethodResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code methods serve} against the emulator's Java service API; {@code methods invoke} is in EmulatorCommandIT. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MethodsCommandIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  /** Invokes until the device has subscribed (404 before that), then returns the result. */
  private static MethodResult invokeWhenServed(HubEmulator hub, String device, String method, String payload) {
    MethodResult[] result = new MethodResult[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      result[0] = hub.invokeMethod(device, method, payload, Duration.ofSeconds(10)).blockingGet();
      return result[0].status() != 404;
    });
    return result[0];
  }

  @Test
  void servesACannedResponseAndStopsAtCount(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("method-canned");
    Cli.Running serve = Cli.start(Cli.device(hub, device, "methods", "serve", "--count", "1", "--status", "201",
        "--response", "{\"ok\":true}"));

    MethodResult result = invokeWhenServed(hub, "method-canned", "reboot", "{\"delay\":1}");
    Cli run = serve.await();

    assertThat(result.status()).isEqualTo(201);
    assertThat(result.payload()).isEqualTo("{\"ok\":true}");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("serving every direct method as method-canned")
        .contains("method reboot  {\"delay\":1}  -> 201 {\"ok\":true}").contains("answered 1 request");
  }

  @Test
  void answersOnlyTheNamedMethodsAndOthers501(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("method-named");
    Cli.Running serve = Cli.start(Cli.device(hub, device, "methods", "serve", "--method", "ping", "--count", "2"));

    MethodResult other = invokeWhenServed(hub, "method-named", "reboot", null);
    MethodResult ping = hub.invokeMethod("method-named", "ping", null, Duration.ofSeconds(10)).blockingGet();
    Cli run = serve.await();

    assertThat(other.status()).isEqualTo(501);
    assertThat(ping.status()).isEqualTo(200);
    assertThat(ping.payload()).isEqualTo("{\"method\":\"ping\",\"handled\":true}");
    assertThat(run.exitCode).as(run.toString()).isZero();
  }

  @Test
  void execAnswersWithTheCommandsOutput(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("method-exec");
    Cli.Running serve = Cli.start(Cli.device(hub, device, "methods", "serve", "--count", "1", "--exec",
        "printf '{\"method\":\"%s\",\"got\":' \"$RXIOTHUB_METHOD\"; cat; printf '}'"));

    MethodResult result = invokeWhenServed(hub, "method-exec", "echo", "{\"x\":1}");
    serve.await();

    assertThat(result.status()).isEqualTo(200);
    assertThat(result.payload()).isEqualTo("{\"method\":\"echo\",\"got\":{\"x\":1}}");
  }

  @Test
  void aFailingExecAnswers500(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("method-fail");
    Cli.Running serve = Cli.start(Cli.device(hub, device, "methods", "serve", "--count", "1", "--exec", "exit 3"));

    MethodResult result = invokeWhenServed(hub, "method-fail", "boom", null);
    serve.await();

    assertThat(result.status()).isEqualTo(500);
    assertThat(result.payload()).contains("exited with 3");
  }

  @Test
  void aCannedResponseThatIsNotJsonIsRefusedAtOnce(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("method-bad");

    Cli run = Cli.run(Cli.device(hub, device, "methods", "serve", "--response", "{not json"));

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).startsWith("error: ");
  }

  @Test
  void aTimeoutBeforeCountExitsFive(HubEmulator hub) {
    DeviceIdentity device = HUB.createDevice("method-idle");

    Cli run = Cli.run(Cli.device(hub, device, "methods", "serve", "--count", "1", "--timeout", "1"));

    assertThat(run.exitCode).as(run.toString()).isEqualTo(5);
    assertThat(run.out).contains("answered 0 requests");
  }
}
