// The hub's publishes to devices, through the attached broker, with the retry loop that rides out the broker's
// short "not subscribed yet" window after a SUBACK.
package io.rxiothub.emulator.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Holds the running broker's link and publishes to identities. Thread-safe. */
public final class Publisher {

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  private static final int RETRIES = 100;
  private static final long RETRY_DELAY_MILLIS = 10;
  /**
   * Attempts an answer gets even while our records do not show the response subscription yet (half a second): a
   * client may publish its request right after its SUBSCRIBE, without waiting for the SUBACK, and the broker's
   * interceptors may then see the PUBLISH before the SUBSCRIBE. (The official Java device SDK waits for its SUBACK
   * before a twin request: its rare twin time-out under load is its own response race, protocol.md §13.)
   */
  private static final int REPLY_GRACE_ATTEMPTS = 50;

  private final ScheduledExecutorService timer;
  private final BiPredicate<Identity, String> expectsTopic;
  private volatile @Nullable BrokerLink link;

  /**
   * Creates the publisher; {@code expectsTopic} says whether our records have the identity connected and subscribed
   * to a filter matching a topic (only then is a refused publish retried).
   */
  public Publisher(ScheduledExecutorService timer, BiPredicate<Identity, String> expectsTopic) {
    this.timer = timer;
    this.expectsTopic = expectsTopic;
  }

  /** Attaches the running broker (null when stopped). */
  public void attach(@Nullable BrokerLink broker) {
    this.link = broker;
  }

  /** The running broker, or null when stopped. */
  public @Nullable BrokerLink link() {
    return link;
  }

  /**
   * Publishes to an identity; completes with whether the broker took it for the identity. The broker may report
   * "not subscribed" for a short while after it acknowledged a SUBSCRIBE, so while our records say the identity is
   * connected and subscribed, it retries for up to a second.
   */
  public CompletableFuture<Boolean> publish(Identity identity, String topic, byte[] payload, int qos) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    attempt(identity, topic, payload, qos, 0, 0, result);
    return result;
  }

  /** Publishes an answer at QoS 1; a failure is logged at WARN. */
  public void reply(Identity identity, String topic, byte[] payload) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    attempt(identity, topic, payload, 1, 0, REPLY_GRACE_ATTEMPTS, result);
    result.whenComplete((delivered, error) -> {
      if (error != null || !Boolean.TRUE.equals(delivered)) {
        LOG.warn("hub emulator: could not answer {} on '{}' (not subscribed to the response topic?)", identity,
            topic);
      }
    });
  }

  private void attempt(Identity identity, String topic, byte[] payload, int qos, int attempt, int grace,
      CompletableFuture<Boolean> result) {
    BrokerLink broker = link;
    if (broker == null) {
      result.complete(false);
      return;
    }
    broker.publishToClient(identity.clientId(), topic, payload, qos).whenComplete((delivered, error) -> {
      if (error == null && Boolean.TRUE.equals(delivered)) {
        result.complete(true);
      } else if (attempt < RETRIES && (attempt < grace || expectsTopic.test(identity, topic))) {
        timer.schedule(() -> attempt(identity, topic, payload, qos, attempt + 1, grace, result), RETRY_DELAY_MILLIS,
            TimeUnit.MILLISECONDS);
      } else {
        result.complete(false);
      }
    });
  }
}
