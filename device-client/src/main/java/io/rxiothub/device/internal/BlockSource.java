// The content of a file upload, read block by block into one reused buffer: from an InputStream (a file, a user's
// stream) or from a Publisher<ByteBuffer> requested one buffer at a time.
package io.rxiothub.device.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** One upload's content; not thread-safe except {@link #close()}, which may come from a disposing thread. */
abstract class BlockSource implements AutoCloseable {

  /** The length in bytes, or -1 when unknown. */
  abstract long length();

  /** Fills {@code buffer} from the start until it is full or the content ends; returns the bytes read (0: ended). */
  abstract int fill(byte[] buffer) throws IOException;

  @Override
  public abstract void close();

  static BlockSource of(InputStream in, long length) {
    return new StreamSource(in, length);
  }

  static BlockSource of(Publisher<ByteBuffer> publisher) {
    return new PublisherSource(publisher);
  }

  private static final class StreamSource extends BlockSource {
    private final InputStream in;
    private final long length;

    StreamSource(InputStream in, long length) {
      this.in = in;
      this.length = length;
    }

    @Override
    long length() {
      return length;
    }

    @Override
    int fill(byte[] buffer) throws IOException {
      int at = 0;
      while (at < buffer.length) {
        int n = in.read(buffer, at, buffer.length - at);
        if (n < 0) {
          break;
        }
        at += n;
      }
      return at;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        // the upload is over either way
      }
    }
  }

  /** Requests one buffer at a time; at most one buffer waits here, so memory is one block plus one buffer. */
  private static final class PublisherSource extends BlockSource implements Subscriber<ByteBuffer> {
    private static final Object DONE = new Object();

    private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final AtomicReference<@Nullable Subscription> subscription = new AtomicReference<>();
    private final Publisher<ByteBuffer> publisher;
    private boolean subscribed;
    private boolean ended;
    private @Nullable ByteBuffer current;
    private volatile boolean closed;

    PublisherSource(Publisher<ByteBuffer> publisher) {
      this.publisher = publisher;
    }

    @Override
    long length() {
      return -1;
    }

    @Override
    int fill(byte[] buffer) throws IOException {
      if (!subscribed) {
        subscribed = true;
        publisher.subscribe(this);
      }
      int at = 0;
      while (at < buffer.length && !ended) {
        ByteBuffer b = current;
        if (b == null || !b.hasRemaining()) {
          current = null;
          Subscription s = subscription.get();
          if (b != null && s != null) {
            s.request(1);
          }
          Object signal;
          try {
            signal = signals.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the publisher");
          }
          if (signal == DONE) {
            ended = true;
            break;
          }
          if (signal instanceof Throwable) {
            ended = true;
            throw new IOException("the upload's publisher failed: " + signal, (Throwable) signal);
          }
          current = (ByteBuffer) signal;
          continue;
        }
        int n = Math.min(b.remaining(), buffer.length - at);
        b.get(buffer, at, n);
        at += n;
      }
      return at;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (!subscription.compareAndSet(null, s) || closed) {
        s.cancel();
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(ByteBuffer buffer) {
      if (buffer == null) {
        signals.offer(new NullPointerException("the publisher emitted null (Reactive Streams rule 2.13)"));
        return;
      }
      signals.offer(buffer);
    }

    @Override
    public void onError(Throwable t) {
      signals.offer(t == null ? new NullPointerException("onError(null)") : t);
    }

    @Override
    public void onComplete() {
      signals.offer(DONE);
    }

    @Override
    public void close() {
      closed = true;
      Subscription s = subscription.getAndSet(null);
      if (s != null) {
        s.cancel();
      }
      signals.offer(DONE);
    }
  }
}
