// One client-side scenario per JVM: D2C throughput, method latency, twin latency, reconnect.
package io.rxiothub.benchmarks.e2e;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3RxClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.device.SendResult;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.methods.MethodTopic;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.TwinTopic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ClientBench <scenario> <client> <host> <mqttPort> <controlPort> <caFile> <deviceId> <n> <warmup>}.
 * Scenarios: {@code d2c} (clients rxiothub (one {@code send} per message), rxiothub-stream (one {@code sendAll}),
 * hivemq-async, hivemq-reactive, and hivemq-reactive-per-message: one
 * {@code publish(Flowable.just(p))} per message, the way rxiothub's transport publishes), {@code method} (rxiothub,
 * hivemq), {@code twin} (rxiothub, hivemq: sequential GET and PATCH latency, then 100 in flight for throughput),
 * {@code reconnect} (rxiothub, hivemq-async). Prints one RESULT line.
 */
public final class ClientBench {

  /** Sends in flight at most, for every client (rxiothub's own window is 1024, its queue 1000). */
  static final int WINDOW = 1000;

  private final String client;
  /**
   * rxiothub with {@code callbackScheduler(Schedulers.trampoline())} ("rxiothub-inline"): user code runs on the
   * I/O thread, as the raw client's callbacks do; shows what the default hop to a callback thread costs.
   */
  private final boolean inline;
  private final String host;
  private final int port;
  private final Path ca;
  private final String deviceId;
  private final HubProcess hub;
  private final byte[] payload = Bench.payload256();

  private ClientBench(String[] a) {
    this.inline = a[1].equals("rxiothub-inline");
    this.client = inline ? "rxiothub" : a[1];
    this.host = a[2];
    this.port = Integer.parseInt(a[3]);
    this.ca = Path.of(a[5]);
    this.deviceId = a[6];
    this.hub = HubProcess.attach(host, port, Integer.parseInt(a[4]), ca);
  }

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    ClientBench b = new ClientBench(a);
    int n = Integer.parseInt(a[7]);
    int warmup = Integer.parseInt(a[8]);
    Map<String, Object> r;
    switch (a[0]) {
      case "d2c":
        r = b.d2c(n, warmup);
        break;
      case "method":
        r = b.method(n, warmup);
        break;
      case "twin":
        r = b.twin(n, warmup);
        break;
      case "reconnect":
        r = b.reconnect(n, warmup);
        break;
      default:
        throw new IllegalArgumentException("unknown scenario " + a[0]);
    }
    r.put("client", b.inline ? "rxiothub-inline" : b.client);
    Bench.result(r);
    System.exit(0);
  }

  // ------------------------------------------------------------------ D2C throughput

  private Map<String, Object> d2c(int n, int warmup) throws Exception {
    Sender sender = sender();
    sender.send(warmup);
    long hubCpu0 = hubCpuNanos();
    long cpu0 = Bench.processCpuNanos();
    long alloc0 = Bench.allocatedBytes();
    long t0 = System.nanoTime();
    sender.send(n);
    long t = System.nanoTime() - t0;
    long cpu = Bench.processCpuNanos() - cpu0;
    long alloc = Bench.allocatedBytes() - alloc0;
    long hubCpu = hubCpuNanos() - hubCpu0;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("messages", n);
    r.put("msgsPerSec", n / (t / 1e9));
    r.put("cpuUsPerMsg", cpu / 1000.0 / n);
    // the same wire traffic should cost the emulator the same; a difference means a different write pattern
    r.put("hubCpuUsPerMsg", hubCpu / 1000.0 / n);
    r.put("allocBytesPerMsg", (double) alloc / n);
    r.put("threads", Bench.threads());
    r.put("threadGroups", Bench.threadGroups());
    sender.close();
    return r;
  }

  /** The emulator JVM's CPU time so far, in nanoseconds. */
  private long hubCpuNanos() {
    return Long.parseLong(hub.command("cpu").trim());
  }

  /** A D2C sender that sends {@code n} messages with at most {@link #WINDOW} in flight and waits for all acks. */
  private interface Sender extends AutoCloseable {
    void send(int n) throws Exception;

    @Override
    void close();
  }

  private Sender sender() {
    switch (client) {
      case "rxiothub": {
        DeviceClient c = rxiothub(deviceId);
        return new Sender() {
          @Override
          public void send(int n) {
            Flowable.range(0, n)
                .flatMapCompletable(i -> c.send(message(null)), false, WINDOW)
                .blockingAwait();
          }

          @Override
          public void close() {
            c.close();
          }
        };
      }
      case "rxiothub-stream": {
        // the streaming API: one sendAll subscription, like the raw reactive client's one publish flow
        DeviceClient c = rxiothub(deviceId);
        return new Sender() {
          @Override
          public void send(int n) {
            long acked = c.sendAll(Flowable.range(0, n).map(i -> message(null)))
                .filter(SendResult::isSuccess).count().blockingGet();
            if (acked != n) {
              throw new IllegalStateException((n - acked) + " sends failed");
            }
          }

          @Override
          public void close() {
            c.close();
          }
        };
      }
      case "hivemq-async": {
        Mqtt3AsyncClient c = RawHiveMq.connect(host, port, ca, deviceId, false);
        String topic = RawHiveMq.telemetryTopic(deviceId, null);
        return new Sender() {
          @Override
          public void send(int n) throws InterruptedException {
            Semaphore window = new Semaphore(WINDOW);
            CountDownLatch done = new CountDownLatch(n);
            AtomicLong failed = new AtomicLong();
            for (int i = 0; i < n; i++) {
              window.acquire();
              c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                  .whenComplete((ack, e) -> {
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
      case "hivemq-reactive": {
        Mqtt3RxClient c = RawHiveMq.builder(host, port, ca, deviceId, false).buildRx();
        c.connectWith().cleanSession(false).keepAlive(230).applyConnect().blockingGet();
        String topic = RawHiveMq.telemetryTopic(deviceId, null);
        return new Sender() {
          @Override
          public void send(int n) {
            io.reactivex.Flowable<Mqtt3Publish> publishes = io.reactivex.Flowable.range(0, n)
                .map(i -> Mqtt3Publish.builder().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).build());
            long acked = c.publish(publishes).filter(res -> !res.getError().isPresent()).count().blockingGet();
            if (acked != n) {
              throw new IllegalStateException((n - acked) + " publishes failed");
            }
          }

          @Override
          public void close() {
            c.disconnect().blockingAwait();
          }
        };
      }
      case "hivemq-reactive-per-message": {
        // what rxiothub's transport does today: one publish(Flowable.just(p)) flow per message
        Mqtt3RxClient c = RawHiveMq.builder(host, port, ca, deviceId, false).buildRx();
        c.connectWith().cleanSession(false).keepAlive(230).applyConnect().blockingGet();
        String topic = RawHiveMq.telemetryTopic(deviceId, null);
        return new Sender() {
          @Override
          public void send(int n) throws InterruptedException {
            Semaphore window = new Semaphore(WINDOW);
            CountDownLatch done = new CountDownLatch(n);
            AtomicLong failed = new AtomicLong();
            for (int i = 0; i < n; i++) {
              window.acquire();
              Mqtt3Publish p = Mqtt3Publish.builder().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).build();
              c.publish(io.reactivex.Flowable.just(p)).subscribe(res -> {
                if (res.getError().isPresent()) {
                  failed.incrementAndGet();
                }
                window.release();
                done.countDown();
              }, e -> {
                failed.incrementAndGet();
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
            c.disconnect().blockingAwait();
          }
        };
      }
      default:
        throw new IllegalArgumentException("d2c: unknown client " + client);
    }
  }

  private DeviceClient rxiothub(String id) {
    DeviceClient.Builder b = DeviceClient.builder().connectionString(Bench.connectionString(host, id)).port(port)
        .trustStore(Bench.trustStore(ca));
    if (inline) {
      b.callbackScheduler(io.reactivex.rxjava3.schedulers.Schedulers.trampoline());
    }
    DeviceClient c = b.build();
    c.connect().blockingAwait();
    return c;
  }

  private Message message(String messageId) {
    Message.Builder b = Message.builder().payload(payload);
    if (messageId != null) {
      b.messageId(messageId);
    }
    for (String[] p : RawHiveMq.PROPERTIES) {
      b.property(p[0], p[1]);
    }
    return b.build();
  }

  // ------------------------------------------------------------------ direct methods

  private Map<String, Object> method(int n, int warmup) {
    byte[] reply = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    Runnable close;
    switch (client) {
      case "hivemq": {
        Mqtt3AsyncClient c = RawHiveMq.connect(host, port, ca, deviceId, false);
        c.subscribeWith().topicFilter(MethodTopic.REQUEST_FILTER).qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
          MethodTopic t = MethodTopic.parse(p.getTopic().toString());
          c.publishWith().topic(MethodTopic.response(200, t.rid()).format()).qos(MqttQos.AT_LEAST_ONCE)
              .payload(reply).send();
        }).send().join();
        close = () -> c.disconnect().join();
        break;
      }
      case "rxiothub": {
        DeviceClient c = rxiothub(deviceId);
        c.methods().handle("bench", request -> Single.just(MethodResponse.ofJson(200, "{\"ok\":true}")));
        close = c::close;
        break;
      }
      default:
        throw new IllegalArgumentException("method: unknown client " + client);
    }
    awaitMethodSubscription();
    hub.command("invoke " + deviceId + " bench " + warmup + " 5000");
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) Json.parse(hub.command("invoke " + deviceId + " bench " + n + " 5000"));
    r.put("threads", Bench.threads());
    close.run();
    return r;
  }

  /** The hub answers 404 at once until the method subscription is in place: call until one succeeds. */
  @SuppressWarnings("unchecked")
  private void awaitMethodSubscription() {
    for (int i = 0; i < 500; i++) {
      Map<String, Object> one = (Map<String, Object>) Json.parse(hub.command("invoke " + deviceId + " bench 1 5000"));
      if (Report.num(one, "errors") == 0) {
        return;
      }
      Bench.sleep(10);
    }
    throw new IllegalStateException("the method handler of " + deviceId + " never answered");
  }

  // ------------------------------------------------------------------ twin

  private Map<String, Object> twin(int n, int warmup) throws Exception {
    AtomicLong counter = new AtomicLong();
    TwinOp get;
    TwinOp patch;
    Runnable close;
    switch (client) {
      case "hivemq": {
        Mqtt3AsyncClient c = RawHiveMq.connect(host, port, ca, deviceId, false);
        Map<String, CompletableFuture<Integer>> pending = new ConcurrentHashMap<>();
        c.subscribeWith().topicFilter(TwinTopic.RESPONSE_FILTER).qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
          TwinTopic t = TwinTopic.parse(p.getTopic().toString());
          CompletableFuture<Integer> f = pending.remove(t.rid());
          if (f != null) {
            f.complete(t.status());
          }
        }).send().join();
        AtomicLong rid = new AtomicLong();
        get = () -> request(c, pending, TwinTopic.get(Long.toString(rid.incrementAndGet())).format(), new byte[0]);
        patch = () -> request(c, pending, TwinTopic.patchReported(Long.toString(rid.incrementAndGet())).format(),
            ("{\"counter\":" + counter.incrementAndGet() + ",\"unit\":\"celsius\"}")
                .getBytes(StandardCharsets.UTF_8));
        close = () -> c.disconnect().join();
        break;
      }
      case "rxiothub": {
        DeviceClient c = rxiothub(deviceId);
        get = () -> c.twin().get().map(t -> 200).toCompletionStage().toCompletableFuture();
        patch = () -> c.twin().updateReported(TwinPatch.builder().put("counter", counter.incrementAndGet())
            .put("unit", "celsius").build()).map(v -> 200).toCompletionStage().toCompletableFuture();
        close = c::close;
        break;
      }
      default:
        throw new IllegalArgumentException("twin: unknown client " + client);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("get", sequential(get, n, warmup));
    r.put("patch", sequential(patch, n, warmup));
    r.put("getPipelined", pipelined(get, n * 2, 100));
    r.put("patchPipelined", pipelined(patch, n * 2, 100));
    r.put("threads", Bench.threads());
    close.run();
    return r;
  }

  private interface TwinOp {
    CompletableFuture<Integer> run();
  }

  private static CompletableFuture<Integer> request(Mqtt3AsyncClient c,
      Map<String, CompletableFuture<Integer>> pending, String topic, byte[] body) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    pending.put(TwinTopic.parse(topic).rid(), f);
    c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(body).send();
    return f;
  }

  private static Map<String, Object> sequential(TwinOp op, int n, int warmup) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.run().get(5, TimeUnit.SECONDS);
    }
    long[] nanos = new long[n];
    int errors = 0;
    int ok = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      int status;
      try {
        status = op.run().get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        status = -1;
      }
      long t = System.nanoTime() - t0;
      if (status / 100 != 2) {
        errors++;
      } else {
        nanos[ok++] = t;
      }
    }
    Map<String, Object> m = Bench.latency(nanos, ok);
    m.put("errors", errors);
    return m;
  }

  private static Map<String, Object> pipelined(TwinOp op, int n, int window) throws Exception {
    Semaphore w = new Semaphore(window);
    CountDownLatch done = new CountDownLatch(n);
    AtomicLong errors = new AtomicLong();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      w.acquire();
      op.run().whenComplete((s, e) -> {
        if (e != null || s / 100 != 2) {
          errors.incrementAndGet();
        }
        w.release();
        done.countDown();
      });
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("pipelined twin requests did not complete");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", n);
    m.put("window", window);
    m.put("opsPerSec", n / ((System.nanoTime() - t0) / 1e9));
    m.put("errors", errors.get());
    return m;
  }

  // ------------------------------------------------------------------ reconnect

  /** {@code rounds} times: reset the connection (a network loss), queue {@code queued} sends at once, time first and last ack. */
  private Map<String, Object> reconnect(int rounds, int queued) throws Exception {
    long[] first = new long[rounds];
    long[] all = new long[rounds];
    int failed = 0;
    int sent = 0;
    String error = null;
    DeviceClient rx = client.equals("rxiothub") ? rxiothub(deviceId) : null;
    Mqtt3AsyncClient raw = rx == null ? RawHiveMq.connect(host, port, ca, deviceId, true) : null;
    for (int round = 0; round < rounds; round++) {
      AtomicLong firstAck = new AtomicLong();
      CountDownLatch done = new CountDownLatch(queued);
      AtomicLong errors = new AtomicLong();
      java.util.concurrent.atomic.AtomicReference<Throwable> firstError = new java.util.concurrent.atomic.AtomicReference<>();
      long t0 = System.nanoTime();
      // A reset, not the orderly close of "drop": three orderly closes by the hub within seconds of each
      // reconnect are what a session takeover looks like, and rxiothub then stops on purpose (README).
      hub.command("reset " + deviceId);
      for (int i = 0; i < queued; i++) {
        String mid = "m-" + round + "-" + i;
        Runnable ok = () -> {
          firstAck.compareAndSet(0, System.nanoTime());
          done.countDown();
        };
        if (rx != null) {
          rx.send(message(mid)).subscribe(ok::run, e -> {
            firstError.compareAndSet(null, e);
            errors.incrementAndGet();
            done.countDown();
          });
        } else {
          raw.publishWith().topic(RawHiveMq.telemetryTopic(deviceId, mid)).qos(MqttQos.AT_LEAST_ONCE)
              .payload(payload).send().whenComplete((a, e) -> {
                if (e != null) {
                  firstError.compareAndSet(null, e);
                  errors.incrementAndGet();
                  done.countDown();
                } else {
                  ok.run();
                }
              });
        }
      }
      sent += queued;
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("round " + round + ": queued messages not acked within 60 s");
      }
      all[round] = System.nanoTime() - t0;
      first[round] = firstAck.get() == 0 ? all[round] : firstAck.get() - t0;
      failed += (int) errors.get();
      if (firstError.get() != null && error == null) {
        error = firstError.get().toString();
      }
      Bench.sleep(200);
    }
    String[] count = hub.command("count " + deviceId).split(" ");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rounds", rounds);
    r.put("queuedPerRound", queued);
    r.put("firstAckAfterDrop", Bench.latency(first, rounds));
    r.put("allAckedAfterDrop", Bench.latency(all, rounds));
    r.put("sendErrors", failed);
    r.put("firstSendError", error);
    r.put("distinctDelivered", Long.parseLong(count[1]));
    r.put("sentWithIds", sent);
    r.put("allDelivered", Long.parseLong(count[1]) >= sent && failed == 0);
    if (rx != null) {
      rx.close();
    } else {
      raw.disconnect().join();
    }
    return r;
  }

}
