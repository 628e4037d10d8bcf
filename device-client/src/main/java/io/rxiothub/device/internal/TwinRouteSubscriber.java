// Consumes one of the twin's inbound routes for the TwinEngine: unbounded demand, errors logged.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.FlowableSubscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Consumes a route with unbounded demand; the route's end means the client closed ({@link #ended}). */
abstract class TwinRouteSubscriber<T> implements FlowableSubscriber<T> {

  private static final Logger LOG = LoggerFactory.getLogger(TwinEngine.class);

  private final String id;

  TwinRouteSubscriber(String id) {
    this.id = id;
  }

  @Override
  public void onSubscribe(Subscription s) {
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(T t) {
    try {
      next(t);
    } catch (RuntimeException e) {
      LOG.warn("{}: could not process a twin message: {}", id, e.toString(), e);
    }
  }

  /** One message of the route. */
  abstract void next(T t);

  /** The route ended: the client closed. */
  abstract void ended();

  @Override
  public void onError(Throwable t) {
    LOG.warn("{}: twin route failed", id, t);
    ended();
  }

  @Override
  public void onComplete() {
    ended();
  }
}
