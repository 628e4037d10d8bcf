// The `rxiothub` command line: entry point, the subcommands it groups, and how failures become exit codes.
package io.rxiothub.cli;

import io.rxiothub.emulator.service.ServiceClient;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code rxiothub} command. */
@Command(
    name = "rxiothub",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Reactive Azure IoT Hub device tools: a guided demo, a local hub emulator, telemetry, cloud-to-device"
        + " messages, twins, direct methods, device provisioning (DPS), SAS tokens and a field gateway. Works with the emulator and with a real IoT Hub.",
    subcommands = {DemoCommand.class, EmulatorCommand.class, SendCommand.class, ReceiveCommand.class,
        TwinCommand.class, MethodsCommand.class, UploadCommand.class, ProvisionCommand.class, DpsCommand.class, SasCommand.class, WatsonCommand.class, GatewayCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:the operation failed (invalid token, failed demo step, error answer); the message says why",
        "2:bad usage or bad input (unknown option, malformed connection string, unreadable file)",
        "3:the ./rxiothub launcher could not build the command line (see cli/build.log)",
        "4:could not connect (unreachable host, TLS failure, refused credentials, no running emulator)",
        "5:--timeout passed before the expected work was done",
        "130:stopped by Ctrl-C (the JVM's code for SIGINT), after the command finished cleanly"})
public final class RxIotHubCommand {

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    configureLogging(Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v"));
    System.exit(newCommandLine().execute(args));
  }

  /**
   * The CLI logs through slf4j-simple on stderr: errors only by default (failures are reported as one line by the
   * command itself), the SDK's and the emulator's debug logs with --verbose. Explicit system properties win.
   */
  static void configureLogging(boolean verbose) {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "warn" : "off");
    setIfAbsent("org.slf4j.simpleLogger.log.io.rxiothub", verbose ? "debug" : "off");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    setIfAbsent("rx2.purge-enabled", "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Returns the configured command line, for {@link #main} and for tests. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new RxIotHubCommand());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      boolean verbose = isVerbose(commandLine);
      int code;
      String message;
      if (e instanceof CliException cli1) {
        code = cli1.exitCode();
        message = cli1.getMessage();
      } else if (e instanceof ServiceClient.ServiceException service) {
        code = service.status() == 0 ? ExitCodes.CONNECTION
            : service.status() == 400 || service.status() == 404 ? ExitCodes.USAGE : ExitCodes.FAILED;
        message = service.getMessage();
      } else if (e instanceof IllegalArgumentException) {
        code = ExitCodes.USAGE;
        message = e.getMessage();
      } else {
        CliException classified = Failures.operation(commandLine.getCommandName(), e);
        code = classified.exitCode();
        message = classified.getMessage();
      }
      err.println(commandLine.getColorScheme().errorText("error: " + message));
      if (verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return code;
    });
    return cli;
  }

  private static boolean isVerbose(CommandLine commandLine) {
    CommandLine.ParseResult result = commandLine.getParseResult();
    return result != null && (result.hasMatchedOption("--verbose"));
  }
}
