// The transport's failures as IoT Hub exceptions: what users of DeviceClient and ModuleClient catch.
package io.rxiothub.device.internal;

import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.IotHubConnectionException;
import io.rxiothub.device.IotHubConnectionRefusedException;
import io.rxiothub.device.IotHubException;
import io.rxiothub.device.IotHubQueueFullException;
import io.rxiothub.device.IotHubTimeoutException;
import io.rxiothub.device.IotHubTokenExpiredException;
import io.rxiothub.transport.Failures;
import org.jspecify.annotations.Nullable;

/** Makes and classifies the transport's errors as the {@link IotHubException} hierarchy. */
public final class AzureFailures implements Failures {

  /** The one instance: stateless. */
  public static final AzureFailures INSTANCE = new AzureFailures();

  private AzureFailures() {}

  @Override
  public RuntimeException clientState(String message) {
    return new IotHubClientStateException(message, null);
  }

  @Override
  public RuntimeException connection(String message, @Nullable Throwable cause) {
    return new IotHubConnectionException(message, cause);
  }

  @Override
  public RuntimeException refused(int returnCode, boolean certificate, Throwable cause) {
    return new IotHubConnectionRefusedException(returnCode, "The hub refused the connection with "
        + "CONNACK return code " + returnCode + " (" + describe(returnCode, certificate) + ")", cause);
  }

  @Override
  public RuntimeException queueFull(int capacity, String message) {
    return new IotHubQueueFullException(capacity, message);
  }

  @Override
  public RuntimeException timeout(String message) {
    return new IotHubTimeoutException(message, null);
  }

  /**
   * A CONNACK refusal but for code 3, server unavailable, which the transport then retries like a failed network
   * attempt (backoff, give-up time), as the official Java SDK does (its exception for code 3 is retryable).
   */
  @Override
  public boolean isRefused(Throwable error) {
    return error instanceof IotHubConnectionRefusedException
        && !((IotHubConnectionRefusedException) error).isRetryable();
  }

  @Override
  public boolean isFatal(Throwable error) {
    return error instanceof IotHubException && !((IotHubException) error).isRetryable();
  }

  @Override
  public boolean isCredentialsExpired(Throwable error) {
    return error instanceof IotHubTokenExpiredException;
  }

  @Override
  public boolean isOwn(Throwable error) {
    return error instanceof IotHubException;
  }

  @Override
  public boolean concernsMessageOnly(Throwable error) {
    return error instanceof IotHubTimeoutException || error instanceof IotHubQueueFullException
        || error instanceof IllegalArgumentException;
  }

  private static String describe(int code, boolean certificate) {
    switch (code) {
      case 1:
        return "unacceptable protocol version";
      case 2:
        return "identifier rejected: check the device and module ids";
      case 3:
        return "server unavailable: the hub is busy or still setting the identity up, or the identity is "
            + "disabled; retried until the give-up time";
      case 4:
        return "bad user name or password: check the credentials";
      case 5:
        return certificate
            ? "not authorized: check that the hub knows the device's certificate (its thumbprint, or "
                + "its CA) and that the certificate's subject CN is the device id"
            : "not authorized: check the key or token, its expiry and the device's clock";
      default:
        return "unknown code";
    }
  }
}
