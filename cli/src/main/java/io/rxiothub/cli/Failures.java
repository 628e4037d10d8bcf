// Turns the exceptions of connecting and of hub operations into one line that says what happened and what to do.
package io.rxiothub.cli;

import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.IotHubConnectionRefusedException;
import io.rxiothub.device.IotHubException;
import io.rxiothub.device.IotHubRequestException;
import io.rxiothub.device.IotHubTimeoutException;
import io.rxiothub.device.IotHubTokenExpiredException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** Classifies failures; messages never hold a key, token or signature (the SDK's messages do not either). */
final class Failures {

  private Failures() {}

  /** A failed connection attempt to {@code endpoint} (host:port). */
  static CliException connect(Throwable error, String endpoint, boolean customTrust) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("IoT Edge workload API")) {
        // --edge: the token could not be signed; the workload API's own words say where and why
        return new CliException(ExitCodes.CONNECTION, "could not connect to " + endpoint + ": " + firstLine(t),
            error);
      }
      if (t instanceof IotHubConnectionRefusedException refused) {
        return new CliException(ExitCodes.CONNECTION, refused(refused.returnCode(), endpoint), error);
      }
      if (t instanceof IotHubTokenExpiredException) {
        return new CliException(ExitCodes.CONNECTION, "the SharedAccessSignature in the connection string has"
            + " expired: make a new one (rxiothub sas) or use a connection string with SharedAccessKey", error);
      }
      if (t instanceof UnknownHostException) {
        return new CliException(ExitCodes.CONNECTION, "unknown host " + host(endpoint)
            + ": check HostName (or GatewayHostName) in the connection string", error);
      }
      if (t instanceof SSLException || t instanceof CertificateException) {
        return new CliException(ExitCodes.CONNECTION, "TLS with " + endpoint + " failed (" + firstLine(t)
            + "): " + (customTrust
                ? "the server's certificate is not signed by the CA of --ca-file; pass the CA file the hub emulator"
                    + " printed (a new emulator has a new CA)"
                : "the JVM does not trust the server's certificate; for the hub emulator pass --ca-file with the"
                    + " CA file it printed"), error);
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new CliException(ExitCodes.CONNECTION, "cannot reach " + endpoint + " (" + firstLine(t)
            + "): is the hub or `rxiothub emulator` running, and are host and --port right?", error);
      }
      if (t instanceof SocketTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
        return new CliException(ExitCodes.CONNECTION, "no answer from " + endpoint + " in time: check the host, the"
            + " port and any firewall, or raise --connect-timeout", error);
      }
    }
    return new CliException(ExitCodes.CONNECTION, "could not connect to " + endpoint + ": " + firstLine(error),
        error);
  }

  private static String refused(int code, String endpoint) {
    return switch (code) {
      // 3 is IoT Hub's answer to a disabled device and any server's when busy: the CLI fails at once either way
      case 3 -> "the hub at " + endpoint + " refused the connection as unavailable (CONNACK 3): the device may be"
          + " disabled (enable it in the hub), or the hub busy (try again later)";
      case 1 -> "the hub at " + endpoint + " refused MQTT 3.1.1 (CONNACK 1): is it an IoT Hub?";
      default -> "the hub at " + endpoint + " refused the credentials (CONNACK " + code + "): check DeviceId and"
          + " SharedAccessKey in the connection string, and that the device exists in this hub";
    };
  }

  /** A failed operation on a connected client. */
  static CliException operation(String what, Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof IotHubRequestException request) {
      return new CliException(ExitCodes.FAILED, what + " failed: the hub answered " + request.status() + " ("
          + firstLine(t) + ")", error);
    }
    if (t instanceof IotHubTimeoutException) {
      return new CliException(ExitCodes.TIMEOUT, what + " timed out: " + firstLine(t), error);
    }
    if (t instanceof IotHubClientStateException) {
      return new CliException(ExitCodes.CONNECTION, what + " failed: the client is not connected ("
          + firstLine(t) + ")", error);
    }
    if (t instanceof IotHubException hub && !hub.isRetryable()) {
      return new CliException(ExitCodes.CONNECTION, what + " failed: " + firstLine(t), error);
    }
    return new CliException(ExitCodes.FAILED, what + " failed: " + firstLine(t), error);
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.util.concurrent.CompletionException
        || (t instanceof RuntimeException && t.getClass() == RuntimeException.class)) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static String firstLine(@Nullable Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String host(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    return colon < 0 ? endpoint : endpoint.substring(0, colon);
  }
}
