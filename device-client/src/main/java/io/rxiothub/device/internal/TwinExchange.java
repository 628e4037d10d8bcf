// One twin request's I/O, from subscription to outcome, for TwinEngine.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.twin.TwinEffect;
import io.rxiothub.twin.TwinRequest;
import io.rxiothub.twin.TwinResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The I/O side of one request of the session, from subscription to outcome: its timer, its publish,
 * its caller. The outcome happens at most once ({@code done}, guarded by the engine's lock).
 */
final class TwinExchange {

  /** What the caller of one request hears. */
  interface Outcome {
    void success(TwinResponse response);

    void failure(Throwable error);
  }

  private final TwinEngine engine;
  final TwinRequest.Operation operation;
  final byte[] body;
  final boolean afterDesired;
  final Outcome outcome;
  // Guarded by the engine's lock.
  long sessionId;
  boolean done;
  @Nullable Disposable timer;
  @Nullable Disposable publishing;

  TwinExchange(TwinEngine engine, TwinRequest.Operation operation, byte[] body, boolean afterDesired,
      Outcome outcome) {
    this.engine = engine;
    this.operation = operation;
    this.body = body;
    this.afterDesired = afterDesired;
    this.outcome = outcome;
  }

  /** Hands the request to the session, or refuses it while the client is not connecting. */
  void send() {
    IotHubClientStateException refused = null;
    List<TwinEffect> fx = null;
    synchronized (engine.lock) {
      if (done) {
        return;
      }
      refused = engine.refusal();
      if (refused == null) {
        engine.checkConnection();
        sessionId = engine.session.request(operation, body, afterDesired, engine.now());
        engine.register(sessionId, this);
        fx = engine.drain();
      }
    }
    if (refused != null) {
      IotHubClientStateException error = refused;
      engine.core.settings().callbackScheduler().scheduleDirect(() -> finish(null, error));
    } else {
      engine.run(fx, false);
    }
  }

  void publish(TwinEffect e) {
    TwinRequest request = e.request();
    if (request == null) {
      return;
    }
    String r = request.rid();
    Disposable p = engine.core.publish(request.topic(), body, false, null).subscribe(() -> {
      synchronized (engine.lock) {
        engine.session.published(sessionId, r);
      }
    }, error -> {
      List<TwinEffect> fx;
      synchronized (engine.lock) {
        engine.session.publishFailed(sessionId, r, error);
        fx = engine.drain();
      }
      engine.run(fx, false);
    });
    synchronized (engine.lock) {
      publishing = p;
    }
  }

  /** (Re)arms this request's one timer (a stale one firing is ignored by the session). */
  void arm(long atMillis, boolean retry) {
    Disposable next = engine.core.settings().timeScheduler().scheduleDirect(() -> timerFired(retry),
        Math.max(0, atMillis - engine.now()), TimeUnit.MILLISECONDS);
    Disposable previous;
    synchronized (engine.lock) {
      previous = timer;
      timer = next;
    }
    disposeQuietly(previous);
  }

  void timerFired(boolean retry) {
    List<TwinEffect> fx;
    IotHubClientStateException refused = null;
    synchronized (engine.lock) {
      if (retry && !done && (refused = engine.refusal()) != null) {
        engine.session.cancel(sessionId);
        engine.forget(sessionId);
      }
    }
    if (refused != null) {
      IotHubClientStateException error = refused; // as a new request: the client stopped connecting
      engine.core.settings().callbackScheduler().scheduleDirect(() -> finish(null, error));
      return;
    }
    synchronized (engine.lock) {
      engine.session.timerFired(sessionId, engine.now());
      fx = engine.drain();
    }
    engine.run(fx, true);
  }

  void finish(@Nullable TwinResponse response, @Nullable Throwable error) {
    synchronized (engine.lock) {
      if (done) {
        return;
      }
      done = true;
    }
    cleanUp();
    if (response != null) {
      outcome.success(response);
    } else {
      outcome.failure(error == null ? new IllegalStateException("no outcome") : error);
    }
  }

  void dispose() {
    Disposable p;
    synchronized (engine.lock) {
      if (done) {
        return;
      }
      done = true;
      engine.session.cancel(sessionId);
      engine.forget(sessionId);
      p = publishing;
    }
    cleanUp();
    disposeQuietly(p); // a request still queued offline is forgotten
  }

  private void cleanUp() {
    Disposable t;
    synchronized (engine.lock) {
      t = timer;
      timer = null;
    }
    disposeQuietly(t);
  }

  private static void disposeQuietly(@Nullable Disposable d) {
    if (d != null) {
      d.dispose();
    }
  }
}
