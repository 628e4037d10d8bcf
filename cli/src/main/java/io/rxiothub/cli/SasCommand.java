// `rxiothub sas`: signs a SAS token for a connection string; `rxiothub sas verify` explains a token.
package io.rxiothub.cli;

import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.SasToken;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Generates a SAS token from a connection string that holds a key. */
@Command(
    name = "sas",
    mixinStandardHelpOptions = true,
    description = "Print a SAS token for the identity of a connection string (it needs a SharedAccessKey).",
    subcommands = SasCommand.Verify.class)
final class SasCommand implements Callable<Integer> {

  static final String CONNECTION_STRING_ENV = "IOTHUB_DEVICE_CONNECTION_STRING";

  @Spec CommandSpec spec;

  @Option(names = {"-c", "--connection-string"}, paramLabel = "TEXT",
      description = "Device or module connection string; default: the " + CONNECTION_STRING_ENV
          + " environment variable.")
  String connectionString;

  @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3600",
      description = "Lifetime of the token in seconds (default: ${DEFAULT-VALUE}).")
  long ttlSeconds;

  @Override
  public Integer call() {
    if (ttlSeconds <= 0) {
      throw new IllegalArgumentException("--ttl must be a positive number of seconds, was " + ttlSeconds);
    }
    ConnectionString cs = connectionString(connectionString);
    if (cs.sharedAccessKey() == null) {
      throw new IllegalArgumentException("the connection string authenticates with " + cs.authentication()
          + ", not a SharedAccessKey: there is no key to sign a token with");
    }
    long expiry = Instant.now().getEpochSecond() + ttlSeconds;
    SasToken token = cs.newSasToken(expiry);
    spec.commandLine().getOut().println(token.format());
    return ExitCodes.OK;
  }

  /** The connection string of the option, else of the environment variable; IllegalArgumentException if none. */
  static ConnectionString connectionString(@Nullable String option) {
    String text = option != null ? option : System.getenv(CONNECTION_STRING_ENV);
    if (text == null || text.trim().isEmpty()) {
      throw new IllegalArgumentException("no connection string: pass --connection-string or set "
          + CONNECTION_STRING_ENV);
    }
    return ConnectionString.parse(text);
  }

  /** Explains whether a token is valid for an identity, and if not, why. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Check a SAS token against a connection string's identity and key; say why it is invalid"
          + " (malformed, expired, wrong resource, wrong key). The key is never printed.")
  static final class Verify implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = {"-t", "--token"}, required = true, paramLabel = "TOKEN",
        description = "The token, starting with 'SharedAccessSignature '.")
    String token;

    @Option(names = {"-c", "--connection-string"}, paramLabel = "TEXT",
        description = "Connection string holding the key to verify with; default: the " + CONNECTION_STRING_ENV
            + " environment variable.")
    String connectionString;

    @Option(names = "--now", paramLabel = "EPOCH_SECONDS",
        description = "Check expiry at this time instead of the current time.")
    Long now;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ConnectionString cs = connectionString(connectionString);
      if (cs.sharedAccessKey() == null) {
        throw new IllegalArgumentException("the connection string holds no SharedAccessKey to verify with");
      }
      SasToken parsed;
      try {
        parsed = SasToken.parse(token);
      } catch (IllegalArgumentException e) {
        out.println("invalid: malformed token: " + e.getMessage());
        return ExitCodes.FAILED;
      }
      long at = now != null ? now : Instant.now().getEpochSecond();
      boolean ok = true;
      if (!parsed.covers(cs.resourceUri())) {
        out.println("invalid: the token is for " + parsed.resourceUri() + ", not for " + cs.resourceUri());
        ok = false;
      }
      if (!parsed.verify(cs.sharedAccessKey())) {
        out.println("invalid: the signature does not match the connection string's key"
            + " (signed with another key, or the token was altered)");
        ok = false;
      }
      if (parsed.isExpired(at)) {
        out.println("invalid: expired at " + Instant.ofEpochSecond(parsed.expiryEpochSeconds())
            + " (" + (at - parsed.expiryEpochSeconds()) + " s ago)");
        ok = false;
      }
      if (ok) {
        out.println("valid: for " + parsed.resourceUri() + ", expires at "
            + Instant.ofEpochSecond(parsed.expiryEpochSeconds()) + " (in "
            + (parsed.expiryEpochSeconds() - at) + " s)");
        return ExitCodes.OK;
      }
      return ExitCodes.FAILED;
    }
  }
}
