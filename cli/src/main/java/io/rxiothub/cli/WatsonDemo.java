// `rxiothub demo watson`: the Watson IoT gateway tour: a gateway publishes for two devices behind it (one
// auto-registered), receives a command, gets a notification for a bad topic and answers a reboot; wire shown.
package io.rxiothub.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.rxiothub.cli.wire.WireFrame;
import io.rxiothub.cli.wire.WireTap;
import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.Notification;
import io.rxiothub.watson.client.Command;
import io.rxiothub.watson.client.GatewayClient;
import io.rxiothub.watson.client.GatewayEvent;
import io.rxiothub.watson.client.PlatformRequest;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** The six steps of the Watson tour; exit 0 when all succeed, 1 at the first failure. */
@picocli.CommandLine.Command(name = "watson", mixinStandardHelpOptions = true,
    description = {"The IBM Watson IoT gateway tour: an in-memory Watson organisation, a GatewayClient through a"
        + " local wire tap publishing for two devices behind it (one auto-registered), a command for one of them,"
        + " a notification for a bad topic and a reboot request answered with 202.",
        "Prints each step, its timing and the MQTT packets (the token redacted)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every step succeeded", "1:a step failed; the message says which and why"})
final class WatsonDemo implements Callable<Integer> {

  static final int STEPS = 6;

  @Spec CommandSpec spec;

  @Mixin DemoRunner.Options options;

  private DemoRunner demo;
  private Duration timeout;
  private @Nullable WatsonEmulator org;
  private @Nullable WireTap tap;
  private @Nullable GatewayClient gateway;
  private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
  private final BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
  private final BlockingQueue<PlatformRequest> requests = new LinkedBlockingQueue<>();

  @Override
  public Integer call() {
    timeout = Duration.ofSeconds(Math.max(1, options.stepTimeoutSeconds));
    demo = new DemoRunner(spec, timeout, STEPS, options.verbose);
    return demo.run("rxiothub demo watson", "an IBM Watson IoT gateway and a local organisation.",
        "Packets marked dev -> hub / dev <- hub went over the wire (TLS, decrypted by a local tap;"
            + " the token redacted).",
        () -> demo.step("start a Watson IoT organisation", this::start)
            && demo.step("connect a GatewayClient", this::connect)
            && demo.step("publish for two devices behind it", this::publish)
            && demo.step("receive a command for one of them", this::command)
            && demo.step("get a notification for a bad topic", this::notification)
            && demo.step("answer a platform reboot request", this::reboot),
        null, null);
  }

  private List<String> start() throws Exception {
    WatsonEmulator started = WatsonEmulator.builder().orgId("abc123").build();
    org = started;
    demo.closeLater(started::close);
    started.start();
    started.registerDevice("sensor", "s1");
    WireTap t = WireTap.start("localhost", started.mqttPort(), started.sslContext(), frame -> { });
    tap = t;
    demo.closeLater(t::close);
    demo.tap(t);
    return List.of("organisation abc123, MQTT over TLS on 127.0.0.1:" + started.mqttPort() + ", in memory;"
            + " device sensor/s1 registered",
        "wire tap on 127.0.0.1:" + t.port() + " relays the gateway's TLS connection and decodes it");
  }

  private List<String> connect() throws Exception {
    String token = org.registerGateway("gwtype", "gw1");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("tap", tap.certificate());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    GatewayClient gw = GatewayClient.builder().orgId("abc123").typeId("gwtype").deviceId("gw1").token(token)
        .host("localhost").port(tap.port()).trustManagerFactory(trust).reconnectDelays(50, 1_000).build();
    gateway = gw;
    demo.closeClientLater(gw::disconnect, gw::close);
    gw.commands("sensor", "+").subscribe(commands::add);
    gw.notifications().subscribe(notifications::add);
    gw.management().platformRequests().subscribe(requests::add);
    gw.connect().blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return List.of(gw.clientId() + " connected (user use-token-auth, token from the organisation's registry)");
  }

  private List<String> publish() throws Exception {
    gateway.publishEvent(event("s1", "{\"t\":21.5}")).blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
    gateway.publishEvent(event("s2", "{\"t\":19.0}")).blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return List.of("both completed on PUBACK; sensor/s2 was unknown and is now registered by "
        + org.registeredBy("sensor", "s2"), "the organisation holds " + org.events().size() + " events");
  }

  private static GatewayEvent event(String device, String json) {
    return GatewayEvent.builder().device("sensor", device).eventId("status").payload(json.getBytes(UTF_8)).build();
  }

  private List<String> command() throws Exception {
    awaitSubscribed("iot-2/type/+/id/+/cmd/+/fmt/+"); // one subscription for every commands(...) view
    org.sendCommand("sensor", "s1", "fan", "json", "{\"on\":true}".getBytes(UTF_8), 1);
    Command c = poll(commands, "the command");
    return List.of("gateway got " + c.commandId() + " " + c.payloadAsString() + " for " + c.typeId() + "/"
        + c.deviceId());
  }

  private List<String> notification() throws Exception {
    awaitSubscribed("iot-2/type/gwtype/id/gw1/notify");
    org.registerGateway("gwtype", "gw2");
    gateway.publishEvent(GatewayEvent.builder().device("gwtype", "gw2").eventId("status")
        .payload("{}".getBytes(UTF_8)).build()).blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Notification n = poll(notifications, "the notification");
    return List.of("publishing as another gateway is not allowed: RC " + n.rc() + " " + n.message());
  }

  private List<String> reboot() throws Exception {
    awaitSubscribed("iotdm-1/type/+/id/+/mgmt/initiate/device/reboot");
    java.util.concurrent.Future<DmMessage> answer = org.deviceManagement()
        .initiate("sensor", "s1", DmOperation.REBOOT, null, timeout).toFuture();
    PlatformRequest request = poll(requests, "the reboot request");
    gateway.management().respond(request, 202, null).blockingAwait(timeout.toMillis(), TimeUnit.MILLISECONDS);
    DmMessage response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return List.of("gateway answered " + request.operation() + " for " + request.typeId() + "/"
        + request.deviceId() + "; the organisation got rc " + response.rc());
  }

  private void awaitSubscribed(String filter) throws Exception {
    try {
      WireFrame subscribe = tap.await(0, f -> f.typeName().equals("SUBSCRIBE") && f.filters().contains(filter),
          timeout);
      tap.await(0, f -> f.typeName().equals("SUBACK") && f.packetId() == subscribe.packetId()
          && f.connection() == subscribe.connection(), timeout);
    } catch (TimeoutException e) {
      throw new TimeoutException("the gateway did not subscribe to " + filter + " in " + timeout.toSeconds() + " s");
    }
  }

  private <T> T poll(BlockingQueue<T> queue, String what) throws Exception {
    return demo.poll(queue, "the gateway", what);
  }
}
