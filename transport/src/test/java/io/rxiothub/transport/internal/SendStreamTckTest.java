// SendStream (sendAll) against the Reactive Streams TCK (rules 1.x to 3.x for a Publisher).
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;

/**
 * Each publisher is {@code sendAll} of a source of exactly the elements the TCK asks for, on a fresh
 * client whose loopback connection acknowledges every publish at once: it emits one result per
 * message, then completes. The failed publisher is {@code sendAll} of a failing source.
 */
public class SendStreamTckTest extends PublisherVerification<PendingSend> {

  private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "send-stream-tck-callback");
    t.setDaemon(true);
    return t;
  });

  public SendStreamTckTest() {
    super(new TestEnvironment(2_000, 50, 20), 1_000);
  }

  @AfterClass
  void stopThreads() {
    callbacks.shutdownNow();
  }

  private ClientCore connected() {
    ClientCore core = new ClientCore(Loopback.settings(Schedulers.from(callbacks)),
        new Loopback((filter, listener) -> { }), () -> { });
    core.connect().subscribe();
    return core;
  }

  @Override
  public Publisher<PendingSend> createPublisher(long elements) {
    return connected().sendAll(Flowable.rangeLong(0, elements), Texts.INSTANCE);
  }

  @Override
  public Publisher<PendingSend> createFailedPublisher() {
    return connected().sendAll(Flowable.<Long>error(new IllegalStateException("source failed")),
        Texts.INSTANCE);
  }

  /** Messages are numbers, sent as text on topic "tck"; a send is its own result. */
  private enum Texts implements SendFactory<Long> {
    INSTANCE;

    @Override
    public String topic(Long message) {
      return "tck";
    }

    @Override
    public byte[] payload(Long message) {
      return message.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public PendingSend newSend(ClientCore core, Long message, String topic, byte[] payload,
        SendSink sink) {
      return new PendingSend(core, topic, payload, false, null, sink) { };
    }
  }
}
