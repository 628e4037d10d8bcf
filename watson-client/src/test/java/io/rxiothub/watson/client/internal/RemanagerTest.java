// Remanager on a TestScheduler: manage sent again at 90 % of the lifetime, re-armed on 200, stopped otherwise; an
// answer that comes after an unmanage or a newer manage changes nothing.
package io.rxiothub.watson.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.reactivex.rxjava3.subjects.SingleSubject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RemanagerTest {

  private final TestScheduler time = new TestScheduler();
  private final Remanager remanager = new Remanager(time, "g:abc123:gw:g1");
  private final AtomicInteger sent = new AtomicInteger();

  private Single<Integer> answer(int rc) {
    return Single.fromCallable(() -> {
      sent.incrementAndGet();
      return rc;
    });
  }

  @Test
  void sendsManageAgainAt90PercentOfTheLifetimeAndAgainAfterEach200() {
    remanager.managed("sensor/s1", 3600, () -> answer(200));
    time.advanceTimeBy(3239, TimeUnit.SECONDS);
    assertThat(sent).hasValue(0);
    time.advanceTimeBy(1, TimeUnit.SECONDS);
    assertThat(sent).hasValue(1);
    time.advanceTimeBy(3240, TimeUnit.SECONDS);
    assertThat(sent).hasValue(2);
    assertThat(remanager.count()).isEqualTo(1);
  }

  @Test
  void anAnswerOtherThan200StopsIt() {
    remanager.managed("sensor/s1", 3600, () -> answer(403));
    time.advanceTimeBy(10, TimeUnit.HOURS);
    assertThat(sent).hasValue(1);
    assertThat(remanager.count()).isZero();
  }

  @Test
  void unmanageCloseAndALifetimeOfZeroSendNothing() {
    remanager.managed("sensor/s1", 3600, () -> answer(200));
    remanager.cancel("sensor/s1");
    remanager.managed("sensor/s2", 0, () -> answer(200));
    remanager.managed("sensor/s3", 7200, () -> answer(200));
    remanager.close();
    remanager.managed("sensor/s4", 3600, () -> answer(200));
    time.advanceTimeBy(10, TimeUnit.HOURS);
    assertThat(sent).hasValue(0);
    assertThat(remanager.count()).isZero();
  }

  @Test
  void anAnswerThatComesAfterUnmanageArmsNothing() {
    SingleSubject<Integer> out = SingleSubject.create();
    remanager.managed("sensor/s1", 3600, () -> {
      sent.incrementAndGet();
      return out;
    });
    time.advanceTimeBy(3240, TimeUnit.SECONDS);
    assertThat(sent).as("re-sent").hasValue(1);

    remanager.cancel("sensor/s1"); // unmanaged while the re-sent manage is out
    out.onSuccess(200);
    time.advanceTimeBy(10, TimeUnit.HOURS);

    assertThat(sent).hasValue(1);
    assertThat(remanager.count()).isZero();
  }

  @Test
  void anAnswerThatComesAfterANewManageKeepsTheNewLifetime() {
    SingleSubject<Integer> out = SingleSubject.create();
    remanager.managed("sensor/s1", 3600, () -> out);
    time.advanceTimeBy(3240, TimeUnit.SECONDS);
    remanager.managed("sensor/s1", 7200, () -> answer(200)); // managed anew while the re-sent manage is out

    out.onSuccess(200);
    time.advanceTimeBy(6479, TimeUnit.SECONDS);
    assertThat(sent).as("before 90 % of the new lifetime").hasValue(0);
    time.advanceTimeBy(1, TimeUnit.SECONDS);
    assertThat(sent).hasValue(1);
    assertThat(remanager.count()).isEqualTo(1);
  }
}
