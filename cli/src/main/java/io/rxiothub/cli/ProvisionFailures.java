// Turns a failed DPS registration into one line that says what happened and what to do, with `provision`'s exit code.
package io.rxiothub.cli;

import io.rxiothub.device.IotHubConnectionRefusedException;
import io.rxiothub.device.ProvisioningException;
import io.rxiothub.provisioning.ProvisioningFailure;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Classifies registration failures; DPS's messages and ours never hold a key or token. */
final class ProvisionFailures {

  private ProvisionFailures() {}

  static CliException of(Throwable error, String endpoint, boolean customTrust, long timeoutSeconds) {
    if (error instanceof ProvisioningException provisioning) {
      ProvisioningFailure failure = provisioning.failure();
      String code = failure.errorCode() == 0 ? "" : " (" + failure.errorCode() + ")";
      return switch (failure.reason()) {
        case UNAUTHORIZED -> new CliException(ExitCodes.CONNECTION, "DPS at " + endpoint + " refused the"
            + " registration" + code + ": " + failure.message() + "; check --id-scope, --registration-id and the"
            + " key or certificate", error);
        case DISABLED -> new CliException(ExitCodes.FAILED, "the enrollment is disabled" + code + ": "
            + failure.message() + "; enable it in DPS", error);
        case TIMEOUT -> new CliException(ExitCodes.TIMEOUT, "no assignment from DPS at " + endpoint
            + " within --timeout " + timeoutSeconds + " s: " + failure.message(), error);
        case THROTTLED -> new CliException(ExitCodes.FAILED, "DPS kept throttling until --timeout " + timeoutSeconds
            + " s passed" + code + ": " + failure.message() + "; try again later", error);
        default -> new CliException(ExitCodes.FAILED, "registration failed" + code + ": " + failure.message(),
            error);
      };
    }
    if (error instanceof TimeoutException) {
      return new CliException(ExitCodes.TIMEOUT, "no assignment from DPS at " + endpoint + " within --timeout "
          + timeoutSeconds + " s", error);
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof IotHubConnectionRefusedException refused) {
        return new CliException(ExitCodes.CONNECTION, "DPS at " + endpoint + " refused the connection (CONNACK "
            + refused.returnCode() + "): check --id-scope, --registration-id and the key or certificate", error);
      }
      if (t instanceof UnknownHostException) {
        return new CliException(ExitCodes.CONNECTION, "unknown host in --endpoint " + endpoint, error);
      }
    }
    CliException connect = Failures.connect(error, endpoint, customTrust);
    return new CliException(connect.exitCode(), connect.getMessage().replace("are host and --port right?",
        "is --endpoint right?"), error);
  }
}
