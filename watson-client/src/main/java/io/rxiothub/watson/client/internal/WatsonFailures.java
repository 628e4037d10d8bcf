// The transport's failures as WatsonExceptions: what users of GatewayClient catch.
package io.rxiothub.watson.client.internal;

import io.rxiothub.transport.Failures;
import io.rxiothub.watson.client.WatsonException;
import io.rxiothub.watson.client.WatsonException.Kind;
import org.jspecify.annotations.Nullable;

/** Makes and classifies the transport's errors as {@link WatsonException}s. Stateless. */
public final class WatsonFailures implements Failures {

  /** The one instance. */
  public static final WatsonFailures INSTANCE = new WatsonFailures();

  private WatsonFailures() {}

  @Override
  public RuntimeException clientState(String message) {
    return new WatsonException(Kind.CLIENT_STATE, 0, message, null);
  }

  @Override
  public RuntimeException connection(String message, @Nullable Throwable cause) {
    return new WatsonException(Kind.CONNECTION, 0, message, cause);
  }

  @Override
  public RuntimeException refused(int returnCode, boolean certificate, Throwable cause) {
    String why;
    switch (returnCode) {
      case 2:
        why = "identifier rejected: check the organisation, type and device ids";
        break;
      case 3:
        why = "server unavailable: the platform is busy or restarting; retried until the give-up time";
        break;
      case 4:
        why = "bad user name or password: check the gateway is registered and its token";
        break;
      case 5:
        why = "not authorised: check the device is registered as a gateway";
        break;
      default:
        why = "see docs/protocol.md §14.1";
    }
    return new WatsonException(Kind.REFUSED, returnCode,
        "The platform refused the connection with CONNACK return code " + returnCode + " (" + why + ")", cause);
  }

  @Override
  public RuntimeException queueFull(int capacity, String message) {
    return new WatsonException(Kind.QUEUE_FULL, 0, message, null);
  }

  @Override
  public RuntimeException timeout(String message) {
    return new WatsonException(Kind.TIMEOUT, 0, message, null);
  }

  /**
   * A CONNACK refusal but for code 3, server unavailable, which the transport then retries like a failed attempt
   * (backoff, give-up time), as device-client does and as IBM's Java SDK retries a failed CONNECT.
   */
  @Override
  public boolean isRefused(Throwable error) {
    return error instanceof WatsonException && ((WatsonException) error).kind() == Kind.REFUSED
        && !((WatsonException) error).isRetryable();
  }

  @Override
  public boolean isFatal(Throwable error) {
    return error instanceof WatsonException && !((WatsonException) error).isRetryable();
  }

  @Override
  public boolean isCredentialsExpired(Throwable error) {
    return false;
  }

  @Override
  public boolean isOwn(Throwable error) {
    return error instanceof WatsonException;
  }

  @Override
  public boolean concernsMessageOnly(Throwable error) {
    return error instanceof IllegalArgumentException || (error instanceof WatsonException
        && (((WatsonException) error).kind() == Kind.TIMEOUT || ((WatsonException) error).kind() == Kind.QUEUE_FULL));
  }
}
