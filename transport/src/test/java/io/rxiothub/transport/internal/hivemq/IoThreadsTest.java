package io.rxiothub.transport.internal.hivemq;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IoThreadsTest {

  @Test
  void ioThreadsAreNettyFastThreadLocalThreads() throws Exception {
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    IoThreads.EXECUTOR.execute(() -> ran.complete(Thread.currentThread()));
    Thread thread = ran.get(10, TimeUnit.SECONDS);
    // Netty's thread-local fast path (buffer pools, recyclers) works only on these.
    assertThat(thread).isInstanceOf(FastThreadLocalThread.class);
    assertThat(thread.getName()).startsWith("rxiothub-io-");
    assertThat(thread.isDaemon()).isTrue();
    thread.join(10_000);
    assertThat(thread.isAlive()).isFalse();
  }
}
