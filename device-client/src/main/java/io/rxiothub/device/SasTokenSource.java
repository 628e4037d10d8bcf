// A user function that supplies the SAS token of each (re)connect: for keys held in an HSM, a TPM or a token server.
package io.rxiothub.device;

/**
 * Supplies SAS tokens instead of a key in the connection string (the official Java SDK's {@code SasTokenProvider}).
 * The client calls it before every connection attempt, on its timer thread, and again when the token it returned
 * reaches its renewal time ({@code sasTokenRenewalMargin} of its lifetime before {@code se}), reconnecting cleanly
 * with the new one. What it returns is never logged.
 */
@FunctionalInterface
public interface SasTokenSource {

  /**
   * Returns a token {@code SharedAccessSignature sr=…&sig=…&se=…} covering {@code resourceUri} (such as
   * {@code contoso.azure-devices.net/devices/dev1}) and valid after {@code nowEpochSeconds}. A token that does not
   * parse, does not cover the identity or has expired fails that connection attempt, as a RuntimeException thrown
   * here does: {@code connect()} reports it as an IotHubConnectionException whose message says why (never the
   * token). While the client reconnects on its own, such a failure, or a token the hub refuses (CONNACK 4 or 5),
   * is retried: the client asks this source again after its reconnect backoff, up to 5 refusals in a row and
   * within its give-up time; then it stops with reason {@code REFUSED} as with a key.
   */
  String token(String resourceUri, long nowEpochSeconds);
}
