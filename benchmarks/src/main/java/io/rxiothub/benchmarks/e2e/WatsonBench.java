// One Watson gateway client per JVM: events/s for devices behind one gateway, QoS 1, against the Watson emulator.
package io.rxiothub.benchmarks.e2e;

import com.google.gson.JsonObject;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.watson.client.EventResult;
import io.rxiothub.watson.client.GatewayClient;
import io.rxiothub.watson.client.GatewayEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;

/**
 * {@code WatsonBench <client> <orgId> <domain> <mqttPort> <controlPort> <trustStore> <n> <warmup> <devices>}: one
 * gateway ({@code g:{org}:gw:gw-{client}}, token from the emulator) publishes {@code warmup} then {@code n} events
 * at QoS 1 for devices {@code sensor/s0 … s{devices-1}} behind it in turn (auto-registered by the first run's
 * warm-up), event {@code status}, format {@code json}, the same 256-byte JSON payload for every client. Clients:
 * {@code rxiothub} (GatewayClient, one {@code publishEvent} per event, {@value #WINDOW} in flight),
 * {@code rxiothub-stream} (one {@code sendAll} stream), {@code hivemq-async} (the raw HiveMQ client with the same
 * client id, credentials, topics and window), {@code ibm} (IBM's {@code com.ibm.wiotp.sdk} 0.2.3 GatewayClient,
 * {@code publishDeviceEvent} with a JsonObject as its API takes it; its Paho client allows 100 in flight, so this
 * bench waits for {@code deliveryComplete} before going over). Measured: events/s from the first send to the last
 * acknowledgement, client CPU and allocation per event, the emulator's CPU per event and how many events it accepted
 * meanwhile. Prints one RESULT line.
 */
public final class WatsonBench {

  /** Events in flight at most, for our client and the raw one. */
  static final int WINDOW = 1000;
  /** What IBM's SDK allows in flight (AbstractClient.DEFAULT_MAX_INFLIGHT_MESSAGES). */
  static final int IBM_WINDOW = 100;
  static final String DEVICE_TYPE = "sensor";
  static final String GATEWAY_TYPE = "gw";

  private final String client;
  private final String orgId;
  private final String host;
  private final int port;
  private final Path trustFile;
  private final String[] devices;
  private final HubProcess hub;
  private final JsonObject json = payloadJson();
  private final byte[] payload = json.toString().getBytes(StandardCharsets.UTF_8);

  private WatsonBench(String[] a) {
    this.client = a[0];
    this.orgId = a[1];
    this.host = orgId + ".messaging." + a[2];
    this.port = Integer.parseInt(a[3]);
    this.trustFile = Path.of(a[5]);
    this.devices = new String[Integer.parseInt(a[8])];
    for (int i = 0; i < devices.length; i++) {
      devices[i] = "s" + i;
    }
    this.hub = HubProcess.attach(host, port, Integer.parseInt(a[4]), trustFile);
  }

  /** A JSON reading of 256 bytes once serialized (the same bytes for every client). */
  static JsonObject payloadJson() {
    JsonObject o = new JsonObject();
    o.addProperty("temperature", 21.5);
    o.addProperty("unit", "celsius");
    o.addProperty("alert", false);
    o.addProperty("pad", "");
    int pad = 256 - o.toString().length();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < pad; i++) {
      s.append((char) ('a' + i % 26));
    }
    o.addProperty("pad", s.toString());
    return o;
  }

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    WatsonBench b = new WatsonBench(a);
    int n = Integer.parseInt(a[6]);
    int warmup = Integer.parseInt(a[7]);
    String token = b.hub.command("gateway " + GATEWAY_TYPE + " gw-" + b.client).trim();
    Map<String, Object> r;
    try (Sender sender = b.sender(token)) {
      r = b.measure(sender, n, warmup);
    }
    r.put("client", b.client);
    r.put("devices", b.devices.length);
    r.put("payloadBytes", b.payload.length);
    Bench.result(r);
    System.exit(0);
  }

  private Map<String, Object> measure(Sender sender, int n, int warmup) throws Exception {
    sender.send(0, warmup);
    long hubCpu0 = Long.parseLong(hub.command("cpu").trim());
    long accepted0 = Long.parseLong(hub.command("count").trim());
    long cpu0 = Bench.processCpuNanos();
    long alloc0 = Bench.allocatedBytes();
    long t0 = System.nanoTime();
    sender.send(warmup, n);
    long t = System.nanoTime() - t0;
    long cpu = Bench.processCpuNanos() - cpu0;
    long alloc = Bench.allocatedBytes() - alloc0;
    long hubCpu = Long.parseLong(hub.command("cpu").trim()) - hubCpu0;
    long accepted = Long.parseLong(hub.command("count").trim()) - accepted0;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("events", n);
    r.put("eventsPerSec", n / (t / 1e9));
    r.put("acceptedByEmulator", accepted);
    r.put("cpuUsPerEvent", cpu / 1000.0 / n);
    r.put("hubCpuUsPerEvent", hubCpu / 1000.0 / n);
    r.put("allocBytesPerEvent", (double) alloc / n);
    r.put("threads", Bench.threads());
    return r;
  }

  /** Sends events {@code first … first+n-1} (device {@code i % devices}) and returns once all are acknowledged. */
  private interface Sender extends AutoCloseable {
    void send(int first, int n) throws Exception;

    @Override
    void close() throws Exception;
  }

  private Sender sender(String token) throws Exception {
    switch (client) {
      case "rxiothub":
        return rxiothub(token, false);
      case "rxiothub-stream":
        return rxiothub(token, true);
      case "hivemq-async":
        return hivemq(token);
      case "ibm":
        return IbmGateway.sender(orgId, host.substring(orgId.length() + ".messaging.".length()), port, token,
            trustFile, devices, json);
      default:
        throw new IllegalArgumentException("watson: unknown client " + client);
    }
  }

  private TrustManagerFactory trust() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trustFile)) {
      store.load(in, WatsonServer.TRUST_PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  private GatewayEvent event(int i) {
    return GatewayEvent.builder().device(DEVICE_TYPE, devices[i % devices.length]).eventId("status").format("json")
        .payload(payload).build();
  }

  private Sender rxiothub(String token, boolean stream) throws Exception {
    GatewayClient c = GatewayClient.builder().orgId(orgId).typeId(GATEWAY_TYPE).deviceId("gw-" + client)
        .token(token).host(host).port(port).trustManagerFactory(trust()).build();
    c.connect().blockingAwait();
    return new Sender() {
      @Override
      public void send(int first, int n) {
        if (stream) {
          long acked = c.sendAll(Flowable.range(first, n).map(i -> event(i))).filter(EventResult::isSuccess)
              .count().blockingGet();
          if (acked != n) {
            throw new IllegalStateException((n - acked) + " events failed");
          }
        } else {
          Flowable.range(first, n).flatMapCompletable(i -> c.publishEvent(event(i)), false, WINDOW).blockingAwait();
        }
      }

      @Override
      public void close() {
        c.close();
      }
    };
  }

  private Sender hivemq(String token) throws Exception {
    Mqtt3AsyncClient c = MqttClient.builder().useMqttVersion3()
        .identifier("g:" + orgId + ":" + GATEWAY_TYPE + ":gw-" + client).serverHost(host).serverPort(port)
        .sslConfig().trustManagerFactory(trust()).applySslConfig()
        .simpleAuth().username("use-token-auth").password(token.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .buildAsync();
    c.connectWith().cleanSession(false).keepAlive(60).send().join();
    return new Sender() {
      @Override
      public void send(int first, int n) throws InterruptedException {
        Semaphore window = new Semaphore(WINDOW);
        CountDownLatch done = new CountDownLatch(n);
        AtomicLong failed = new AtomicLong();
        for (int i = first; i < first + n; i++) {
          window.acquire();
          String topic = "iot-2/type/" + DEVICE_TYPE + "/id/" + devices[i % devices.length] + "/evt/status/fmt/json";
          c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send().whenComplete((ack, e) -> {
            if (e != null) {
              failed.incrementAndGet();
            }
            window.release();
            done.countDown();
          });
        }
        done.await();
        if (failed.get() > 0) {
          throw new IllegalStateException(failed.get() + " publishes failed");
        }
      }

      @Override
      public void close() {
        c.disconnect().join();
      }
    };
  }

  /** IBM's gateway client, told of each PUBACK through the Paho callback its client registers. */
  static final class IbmGateway extends com.ibm.wiotp.sdk.gateway.GatewayClient {
    private final AtomicReference<Semaphore> window = new AtomicReference<>(new Semaphore(IBM_WINDOW));
    private final AtomicReference<CountDownLatch> done = new AtomicReference<>(new CountDownLatch(0));

    IbmGateway(com.ibm.wiotp.sdk.gateway.config.GatewayConfig config) throws Exception {
      super(config);
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      window.get().release();
      done.get().countDown();
    }

    static Sender sender(String orgId, String domain, int port, String token, Path trustFile, String[] devices,
        JsonObject json) throws Exception {
      // the SDK dials {org}.messaging.{domain} with the JVM's default trust store (the host through the hosts
      // file the orchestrator passes every client JVM)
      System.setProperty("javax.net.ssl.trustStore", trustFile.toString());
      System.setProperty("javax.net.ssl.trustStorePassword", WatsonServer.TRUST_PASSWORD);
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
      var options = new com.ibm.wiotp.sdk.device.config.DeviceConfigOptions(domain, "INFO",
          new com.ibm.wiotp.sdk.device.config.DeviceConfigOptionsMqtt(port, "tcp", null, false, 60, 60));
      IbmGateway gw = new IbmGateway(new com.ibm.wiotp.sdk.gateway.config.GatewayConfig(
          new com.ibm.wiotp.sdk.device.config.DeviceConfigIdentity(orgId, GATEWAY_TYPE, "gw-ibm"),
          new com.ibm.wiotp.sdk.device.config.DeviceConfigAuth(token), options));
      gw.connect();
      return new Sender() {
        @Override
        public void send(int first, int n) throws InterruptedException {
          Semaphore permits = gw.window.get();
          CountDownLatch latch = new CountDownLatch(n);
          gw.done.set(latch);
          long refused = 0;
          for (int i = first; i < first + n; i++) {
            permits.acquire();
            while (!gw.publishDeviceEvent(DEVICE_TYPE, devices[i % devices.length], "status", json, 1)) {
              // Paho's in-flight window was still full (it frees a slot just after the callback): try again
              refused++;
              Thread.onSpinWait();
            }
          }
          if (!latch.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " events were not acknowledged");
          }
          if (refused > 0) {
            System.out.println("ibm: " + refused + " publishes refused by a full in-flight window and retried");
          }
        }

        @Override
        public void close() throws Exception {
          gw.disconnect();
          gw.close();
        }
      };
    }
  }
}
