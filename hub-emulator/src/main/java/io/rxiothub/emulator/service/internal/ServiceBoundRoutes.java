// The HTTPS face of a service-bound queue: receive a batch under a lock, complete it, abandon it
// (docs/service-api.md §16). One instance per queue path (feedback; file notifications reuse it).
package io.rxiothub.emulator.service.internal;

import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Routes over one {@link ServiceBoundQueue}. */
final class ServiceBoundRoutes {

  private final ServiceBoundQueue queue;
  private final Clock clock;

  ServiceBoundRoutes(ServiceBoundQueue queue, Clock clock) {
    this.queue = queue;
    this.clock = clock;
  }

  /** {@code GET …?max=N&lockSeconds=S}: 200 with a JSON array and {@code ETag: "lockToken"}, or 204 when empty. */
  HttpAnswer receive(HttpCall call) {
    int max = bounded(call.query("max"), "max", 100, 1, 1000);
    int lockSeconds = bounded(call.query("lockSeconds"), "lockSeconds", 60, 1, 300);
    ServiceBoundQueue.Batch batch = queue.receive(max, Duration.ofSeconds(lockSeconds), clock.instant());
    if (batch == null) {
      return HttpAnswer.builder().status(204).build();
    }
    return HttpAnswer.json(200, batch.json().toString()).toBuilder()
        .header("ETag", "\"" + batch.lockToken() + "\"")
        .header("iothub-lockuntil", Job.time(batch.lockedUntil())).build();
  }

  /** {@code DELETE …/{lockToken}}: the batch is done. */
  HttpAnswer complete(HttpCall call) {
    if (!queue.complete(token(call), clock.instant())) {
      throw lockLost(call);
    }
    return HttpAnswer.builder().status(204).build();
  }

  /** {@code POST …/{lockToken}/abandon}: the batch goes back to the front of the queue. */
  HttpAnswer abandon(HttpCall call) {
    if (!queue.abandon(token(call), clock.instant())) {
      throw lockLost(call);
    }
    return HttpAnswer.builder().status(204).build();
  }

  private static String token(HttpCall call) {
    String token = call.path("lockToken").trim();
    return token.startsWith("\"") && token.endsWith("\"") && token.length() > 1
        ? token.substring(1, token.length() - 1) : token;
  }

  private static HubError lockLost(HttpCall call) {
    return new HubError(412, "DeviceMessageLockLost", 412002, "lock token '" + token(call) + "' is unknown or its"
        + " lock expired (the records went back to the queue): receive again");
  }

  private static int bounded(@Nullable String text, String name, int absent, int min, int max) {
    if (text == null || text.isEmpty()) {
      return absent;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw HubError.badRequest(name + " must be an integer in " + min + ".." + max + ", got '" + text + "'");
  }
}
