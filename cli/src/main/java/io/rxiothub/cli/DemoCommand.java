// `rxiothub demo`: a device and a local hub emulator, step by step, with every MQTT packet and a timing per step; the
// back end's side of each step goes through the emulator's IoT Hub service REST API (DemoBackEnd).
package io.rxiothub.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.device.ProvisioningClient;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.provisioning.Registration;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.cli.wire.WireFrame;
import io.rxiothub.cli.wire.WireTap;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.TwinTopic;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the eleven steps of the demo; exit 0 when all succeed, 1 at the first failure (after closing everything). */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    subcommands = {WatsonDemo.class, GatewayDemo.class},
    description = {
        "Start an in-memory hub emulator, provision a device through its DPS and connect a DeviceClient through a"
            + " local wire tap;"
            + " then send telemetry, receive a cloud-to-device message, read and patch the twin, receive a desired"
            + " update, answer a direct method and reconnect after the hub drops the connection.",
        "The back end's side of each step (register, C2D and its feedback, twin, desired, method, drop, telemetry"
            + " monitor) calls the emulator's IoT Hub service REST API with the iothubowner connection string.",
        "Prints each step with its timing and the MQTT packets that went over the wire (SAS signatures redacted)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every step succeeded", "1:a step failed; the message says which and why"})
final class DemoCommand implements Callable<Integer> {

  static final int STEPS = 11;

  @Spec CommandSpec spec;

  @Option(names = "--device", paramLabel = "ID", defaultValue = "demo-device",
      description = "The device id to register (default: ${DEFAULT-VALUE}).")
  String deviceId = "demo-device";

  @Mixin DemoRunner.Options options;

  private DemoRunner demo;
  private Duration timeout;
  private @Nullable HubEmulator hub;
  private @Nullable DemoBackEnd backEnd;
  private String connectionString = "";
  private @Nullable WireTap tap;
  private @Nullable DeviceClient client;
  private final BlockingQueue<CloudMessage> cloudMessages = new LinkedBlockingQueue<>();
  private final BlockingQueue<TwinPatch> desiredPatches = new LinkedBlockingQueue<>();
  private final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();

  @Override
  public Integer call() {
    if (options.stepTimeoutSeconds < 1) {
      throw new IllegalArgumentException("--step-timeout must be at least 1 second");
    }
    timeout = Duration.ofSeconds(options.stepTimeoutSeconds);
    demo = new DemoRunner(spec, timeout, STEPS, options.verbose);
    return demo.run("rxiothub demo", "a device and a local IoT Hub, step by step.",
        "Packets marked dev -> hub / dev <- hub went over the wire (TLS, decrypted by a local tap;"
            + " SAS signatures redacted).",
        () -> demo.step("start the hub emulator", this::startEmulator)
            && demo.step("provision the device through DPS", this::provisionDevice)
            && demo.step("connect a DeviceClient", this::connect)
            && demo.step("send telemetry with properties", this::sendTelemetry)
            && demo.step("receive a cloud-to-device message", this::receiveCloudMessage)
            && demo.step("read the twin", this::readTwin)
            && demo.step("patch reported properties", this::patchReported)
            && demo.step("receive a desired-properties update", this::receiveDesired)
            && demo.step("answer a direct method", this::answerMethod)
            && demo.step("reconnect after the hub drops the connection", this::reconnect)
            && demo.step("upload a file (blob storage over HTTPS)", this::uploadFile),
        "closed the client, the tap and the emulator",
        "Next: ./rxiothub emulator (a hub that keeps running), ./rxiothub send --help, cli/README.md.");
  }

  // ------------------------------------------------------------------ steps

  private List<String> startEmulator() throws Exception {
    HubEmulator started = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    hub = started;
    demo.closeLater(started::close);
    WireTap t = WireTap.start("localhost", started.mqttPort(), started.sslContext(), frame -> { });
    tap = t;
    demo.closeLater(t::close);
    DemoBackEnd b = new DemoBackEnd(started, timeout);
    backEnd = b;
    demo.closeLater(b::close);
    demo.tap(t);
    return List.of(
        "hub " + started.hostName() + ", MQTT over TLS on 127.0.0.1:" + started.mqttPort() + ", HTTPS on "
            + started.webSocketPort() + ", in memory",
        "the back end calls IoT Hub's service REST API at " + backEnd().url() + " (iothubowner SAS)",
        "CA certificate " + started.caFile(),
        "wire tap on 127.0.0.1:" + t.port() + " relays the device's TLS connection to the hub and decodes it");
  }

  /** The back end enrolls a group through the DPS service API, then our ProvisioningClient registers through it. */
  private List<String> provisionDevice() {
    String groupKey = backEnd().createEnrollmentGroup("demo-fleet", "{\"attestation\":{\"type\":\"symmetricKey\"},"
        + "\"initialTwin\":{\"properties\":{\"desired\":{\"telemetryInterval\":30}}}}")
        .path("attestation").path("symmetricKey").path("primaryKey").asText();
    DpsEndpoint dps = hub().dps().start();
    Registration registration = ProvisioningClient.builder().globalEndpoint("127.0.0.1").port(dps.mqttPort())
        .idScope(dps.idScope()).registrationId(deviceId).groupKey(groupKey).trustStore(hub().trustStore())
        .timeoutMillis(timeout.toMillis()).build().register().blockingGet();
    connectionString = "HostName=" + registration.assignedHub() + ";DeviceId=" + registration.deviceId()
        + ";SharedAccessKey=" + DpsConnect.derivedKey(groupKey, deviceId);
    return List.of("PUT /enrollmentGroups/demo-fleet (DPS service API): symmetric key generated, initial desired"
            + " {\"telemetryInterval\":30}",
        "ProvisioningClient registered " + deviceId + " with the derived key at DPS 127.0.0.1:" + dps.mqttPort()
            + " (ID scope " + dps.idScope() + "): assigned to hub " + registration.assignedHub() + " as device "
            + registration.deviceId() + " (" + registration.substatus() + ")",
        "connection string " + redact(connectionString));
  }

  private List<String> connect() throws Exception {
    DeviceClient c = DeviceClient.builder()
        .connectionString(connectionString)
        .port(tap().port())
        .trustedCertificates(tap().certificate())
        .reconnectBackoff(50, 1_000)
        .connectTimeoutMillis(timeout.toMillis())
        .build();
    client = c;
    demo.closeClientLater(c::disconnect, c::close);
    c.connectionStates().subscribe(states::add);
    c.connect().blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
    awaitState(ConnectionState.Status.CONNECTED);
    return List.of("state " + c.connectionState().status() + " (MQTT 3.1.1 over TLS, SAS token made from the key)");
  }

  private List<String> sendTelemetry() throws Exception {
    CompletableFuture<JsonNode> received = backEnd().telemetry(deviceId,
        m -> "demo-1".equals(m.path("systemProperties").path("$.mid").asText()));
    Message message = Message.builder()
        .payload("{\"temperature\":21.5,\"humidity\":48}".getBytes(UTF_8))
        .messageId("demo-1")
        .contentType("application/json")
        .contentEncoding("utf-8")
        .property("room", "kitchen")
        .property("alert", "false")
        .build();
    client().send(message).blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
    JsonNode got = received.get();
    return List.of("send() completed on PUBACK; the back end's monitor (GET /emulator/monitor) got "
            + got.path("payload").asText(),
        "  application properties " + got.path("applicationProperties"),
        "  system properties " + got.path("systemProperties"));
  }

  private List<String> uploadFile() throws Exception {
    byte[] content = "temperature,humidity\n21.5,48\n21.7,47\n".getBytes(UTF_8);
    CompletableFuture<io.rxiothub.emulator.files.FileUploadNotification> notified = new CompletableFuture<>();
    var subscription = hub().files().notifications().firstElement().subscribe(notified::complete,
        notified::completeExceptionally);
    // A client of its own: file upload speaks HTTPS to the hub and to storage, not through the MQTT wire tap.
    try (DeviceClient uploader = DeviceClient.builder().connectionString(connectionString)
        .trustStore(hub().trustStore()).httpsPort(hub().webSocketPort()).build()) {
      uploader.files().upload("readings.csv", () -> new java.io.ByteArrayInputStream(content))
          .blockingSubscribe();
      var n = notified.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return List.of("POST /devices/" + deviceId + "/files gave a SAS URI for blob " + n.blobName(),
          "PUT " + content.length + " bytes to the emulator's blob storage (Put Blob), then"
              + " POST /devices/" + deviceId + "/files/notifications",
          "the back end got the notification: " + (n.success() ? "succeeded" : "failed") + ", "
              + n.blobSizeInBytes() + " bytes, " + n.blobUri());
    } finally {
      subscription.dispose();
    }
  }

  private List<String> receiveCloudMessage() throws Exception {
    client().cloudMessages().subscribe(cloudMessages::add);
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("command", "fan");
    properties.put("speed", "3");
    JsonNode sent = backEnd().sendCloudToDevice(deviceId, "turn the fan on", properties);
    CloudMessage got = poll(cloudMessages, "the cloud-to-device message");
    JsonNode feedback = backEnd().feedback(sent.path("messageId").asText());
    return List.of("service sent \"turn the fan on\" with " + properties + " and ack positive (POST /emulator/devices/"
            + deviceId + "/messages)",
        "device got \"" + new String(got.payload(), UTF_8) + "\" with properties " + got.properties(),
        "the back end read the delivery feedback " + feedback.path("statusCode").asText() + " (GET"
            + " /messages/serviceBound/feedback) once the device acknowledged it (PUBACK)");
  }

  private List<String> readTwin() {
    Twin twin = client().twin().get().blockingGet();
    return List.of("desired " + twin.desired().toJson() + " ($version " + twin.desiredVersion() + ")",
        "reported " + twin.reported().toJson() + " ($version " + twin.reportedVersion() + ")");
  }

  private List<String> patchReported() {
    TwinPatch patch = TwinPatch.builder().put("telemetryInterval", 30).put("firmware", "1.2.0").build();
    long version = client().twin().updateReported(patch).blockingGet();
    JsonNode reported = backEnd().twin(deviceId).path("properties").path("reported");
    return List.of("reported " + patch.toJson() + " -> new reported $version " + version,
        "the back end now sees reported " + reported + " (GET /twins/" + deviceId + ")");
  }

  private List<String> receiveDesired() throws Exception {
    int from = tap().frameCount();
    client().twin().desiredUpdates().subscribe(desiredPatches::add);
    // The SDK subscribes to desired notifications and GETs a baseline; an update before that baseline would be
    // part of it rather than a notification, so wait for both.
    awaitFrame(from, f -> f.grants(TwinTopic.DESIRED_PATCH_FILTER), "the SUBACK of the desired subscription");
    WireFrame get = awaitFrame(from, f -> f.isPublish("$iothub/twin/GET/"), "the baseline twin GET");
    String rid = TwinTopic.parse(get.topic()).rid();
    awaitFrame(from, f -> f.isPublish("$iothub/twin/res/") && rid != null
        && rid.equals(TwinTopic.parse(f.topic()).rid()), "the answer to the baseline GET");
    String update = "{\"telemetryInterval\":10,\"mode\":\"eco\"}";
    long version = backEnd().updateDesired(deviceId, update);
    TwinPatch patch;
    do {
      patch = poll(desiredPatches, "the desired update");
    } while (patch.version() == null || patch.version() < version);
    return List.of("PATCH /twins/" + deviceId + " desired " + update + " -> desired $version " + version,
        "device got " + patch.properties().toJson() + " with $version " + patch.version());
  }

  private List<String> answerMethod() throws Exception {
    int from = tap().frameCount();
    client().methods().handle("reboot", request -> Single.just(
        MethodResponse.ofJson(200, "{\"rebooting\":true,\"after\":" + request.payloadAsString() + "}")));
    awaitFrame(from, f -> f.grants("$iothub/methods/POST/#"), "the SUBACK of the methods subscription");
    JsonNode result = backEnd().invokeMethod(deviceId, "reboot", "{\"delaySeconds\":5}");
    if (result.path("status").asInt() != 200) {
      throw new IllegalStateException("the method answered " + result.path("status") + " " + result.path("payload"));
    }
    return List.of("POST /twins/" + deviceId + "/methods reboot({\"delaySeconds\":5}) got status "
        + result.path("status") + " " + result.path("payload"));
  }

  private List<String> reconnect() throws Exception {
    states.clear();
    int from = tap().frameCount();
    long dropped = System.nanoTime();
    backEnd().dropConnection(deviceId);
    ConnectionState lost = awaitState(ConnectionState.Status.RECONNECTING);
    awaitState(ConnectionState.Status.CONNECTED);
    String reconnected = Style.since(dropped);
    WireFrame connack = awaitFrame(from, f -> f.typeName().equals("CONNACK"), "the new CONNACK");
    int after = from;
    List<WireFrame> seen = tap().framesFrom(from);
    after += seen.indexOf(connack);
    for (String filter : List.of("devices/" + deviceId + "/messages/devicebound/#", TwinTopic.DESIRED_PATCH_FILTER,
        "$iothub/methods/POST/#")) {
      awaitFrame(after, f -> f.grants(filter), "the renewed subscription to " + filter);
    }
    CompletableFuture<JsonNode> received = backEnd().telemetry(deviceId,
        m -> m.path("payload").asText().equals("{\"back\":true}"));
    client().send(Message.builder().payload("{\"back\":true}".getBytes(UTF_8)).build())
        .blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
    received.get();
    return List.of("the back end dropped the connection (POST /emulator/devices/" + deviceId + "/drop); the client"
            + " went " + lost.status()
            + (lost.error() == null ? "" : " (" + Failures.firstLine(lost.error()) + ")"),
        "reconnected " + reconnected + " after the drop, renewed its subscriptions and sent {\"back\":true}");
  }

  // ------------------------------------------------------------------ plumbing

  private ConnectionState awaitState(ConnectionState.Status wanted) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ConnectionState state = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (state == null) {
        throw new TimeoutException("the client did not reach " + wanted + " in " + timeout.toSeconds() + " s");
      }
      if (state.status() == wanted) {
        return state;
      }
      if (state.status() == ConnectionState.Status.DISCONNECTED && state.error() != null) {
        throw new IllegalStateException("the client stopped: " + Failures.firstLine(state.error()), state.error());
      }
    }
  }

  private WireFrame awaitFrame(int from, Predicate<WireFrame> predicate, String what) throws Exception {
    try {
      return tap().await(from, predicate, timeout);
    } catch (TimeoutException e) {
      throw new TimeoutException("did not see " + what + " in " + timeout.toSeconds() + " s");
    }
  }

  private <T> T poll(BlockingQueue<T> queue, String what) throws Exception {
    return demo.poll(queue, "the device", what);
  }

  private static String redact(String connectionString) {
    return connectionString.replaceAll("SharedAccessKey=[^;]*", "SharedAccessKey=<redacted>");
  }

  private HubEmulator hub() {
    return DemoRunner.started(hub, "the emulator is not running");
  }

  private DemoBackEnd backEnd() {
    return DemoRunner.started(backEnd, "the back end is not running");
  }

  private WireTap tap() {
    return DemoRunner.started(tap, "the wire tap is not running");
  }

  private DeviceClient client() {
    return DemoRunner.started(client, "the client is not connected");
  }
}
