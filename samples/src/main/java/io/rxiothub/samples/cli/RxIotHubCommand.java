// The `rxiothub` command line: entry point and the subcommands it groups.
package io.rxiothub.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code rxiothub} command. */
@Command(
    name = "rxiothub",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Reactive Azure IoT Hub device tools: SAS tokens, and (soon) telemetry, C2D, twins, methods"
        + " and a local hub emulator.",
    subcommands = {SasCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:the operation failed (for example: the token is invalid); the message says why",
        "2:bad usage or bad input (for example: a malformed connection string)"})
public final class RxIotHubCommand {

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** Returns the configured command line, for {@link #main} and for tests. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new RxIotHubCommand());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof IllegalArgumentException) {
        commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + e.getMessage()));
        return ExitCodes.USAGE;
      }
      throw e;
    });
    return cli;
  }
}
