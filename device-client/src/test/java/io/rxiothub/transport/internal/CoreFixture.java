// What the state-machine tests share: a core on a TestScheduler and a scripted connector.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.rxiothub.device.OverflowPolicy;
import io.rxiothub.device.internal.TestCores;
import io.rxiothub.transport.internal.FakeConnector.FakeAttempt;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.transport.QueuePolicy;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** A fresh core per test, driven by {@link #scheduler}; its connection attempts go to {@link #connector}. */
abstract class CoreFixture {

  static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static final ConnectionString DEVICE =
      ConnectionString.parse("HostName=hub.example.net;DeviceId=dev1;SharedAccessKey=" + KEY);

  final TestScheduler scheduler = new TestScheduler();
  final FakeConnector connector = new FakeConnector();
  final AtomicInteger closeHooks = new AtomicInteger();
  final Backoff backoff = new Backoff(1000, 8000, new Random(7));

  ClientCore core(ConnectionString cs, long ttlSeconds, int capacity, OverflowPolicy policy) {
    CoreSettings settings = TestCores.settings(cs, ttlSeconds, scheduler).backoff(backoff)
        .offlineQueue(capacity, QueuePolicy.valueOf(policy.name())).build();
    return new ClientCore(settings, connector, closeHooks::incrementAndGet);
  }

  ClientCore core() {
    return core(DEVICE, 3600, 100, OverflowPolicy.FAIL);
  }

  FakeAttempt connect(ClientCore core) {
    TestObserver<Void> connected = core.connect().test();
    scheduler.triggerActions();
    FakeAttempt a = connector.last().accept();
    scheduler.triggerActions();
    connected.assertComplete();
    return a;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
