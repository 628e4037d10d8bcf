// The calls made after the Sessions lock: in order, never one inside another, never under the lock.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallOutsTest {

  private final Object lock = new Object();
  private final CallOuts callOuts = new CallOuts(lock);
  private final List<String> trace = new ArrayList<>();

  @Test
  void aCallThatQueuesAndRunsMoreFinishesBeforeThemAndTheyRunAfterThoseQueuedBefore() {
    callOuts.add(() -> {
      trace.add("a start");
      callOuts.add(() -> trace.add("c"));
      callOuts.run();
      trace.add("a end");
    });
    callOuts.add(() -> trace.add("b"));

    callOuts.run();

    assertThat(trace).containsExactly("a start", "a end", "b", "c");
  }

  @Test
  void aFailingCallDoesNotStopTheOthers() {
    callOuts.add(() -> {
      throw new IllegalStateException("boom");
    });
    callOuts.add(() -> trace.add("b"));

    callOuts.run();

    assertThat(trace).containsExactly("b");
  }

  @Test
  void nothingRunsWhileTheLockIsHeldAndTheCallsRunOnceItIsReleased() {
    callOuts.add(() -> trace.add("a"));
    synchronized (lock) {
      callOuts.run();
      assertThat(trace).isEmpty();
    }

    callOuts.run();

    assertThat(trace).containsExactly("a");
  }
}
