// What a twin request's failure looks like to the caller: the session's reasons as the SDK's exceptions.
package io.rxiothub.device.internal;

import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.IotHubRequestException;
import io.rxiothub.device.IotHubTimeoutException;
import io.rxiothub.twin.TwinEffect;
import io.rxiothub.twin.TwinRequest;
import io.rxiothub.twin.TwinResponse;
import io.rxiothub.twin.TwinSession;
import java.nio.charset.Charset;

/** Maps a {@link TwinEffect.Kind#FAIL} effect to the exception its caller receives. */
final class TwinErrors {

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private TwinErrors() {}

  static Throwable of(TwinEffect e, TwinRequest.Operation operation, String id, long timeoutMillis) {
    TwinSession.Failure why = e.failure();
    TwinResponse response = e.response();
    if (why == TwinSession.Failure.NOT_SENT_IN_TIME) {
      return new IotHubTimeoutException("The twin " + operation + " of " + id + " could not be sent "
          + "within " + timeoutMillis + " ms: the client was not connected with its twin "
          + "subscriptions acknowledged meanwhile", null);
    } else if (why == TwinSession.Failure.NO_ANSWER_IN_TIME) {
      return new IotHubTimeoutException("The hub did not answer the twin " + operation + " of " + id
          + " ($rid=" + e.rid() + ") within " + timeoutMillis + " ms", null);
    } else if (why == TwinSession.Failure.REJECTED && response != null) {
      String text = new String(response.body(), UTF_8);
      if (text.length() > 300) {
        text = text.substring(0, 300) + "…";
      }
      return new IotHubRequestException(response.status(), response.rid(), "The hub answered the twin "
          + operation + " of " + id + " with status " + response.status() + " ($rid="
          + response.rid() + (e.retries() > 0 ? ", after " + e.retries() + " retries" : "") + ")"
          + (text.isEmpty() ? "" : ": " + text), null);
    } else if (why == TwinSession.Failure.PUBLISH_FAILED && e.error() instanceof Throwable) {
      return (Throwable) e.error();
    }
    return closed(id);
  }

  static IotHubClientStateException closed(String id) {
    return new IotHubClientStateException("Client of " + id + " is closed; its twin request was "
        + "not answered", null);
  }
}
