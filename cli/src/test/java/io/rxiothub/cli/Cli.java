// Runs the rxiothub command line in-process with captured stdout and stderr, as the tests of every command do.
package io.rxiothub.cli;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** One run: its exit code and what it printed. */
final class Cli {

  final int exitCode;
  final String out;
  final String err;

  private Cli(int exitCode, String out, String err) {
    this.exitCode = exitCode;
    this.out = out;
    this.err = err;
  }

  static Cli run(String... args) {
    return start(args).await();
  }

  /** Starts a run on its own thread, for commands that run until something happens. */
  static Running start(String... args) {
    return new Running(args);
  }

  /** {@code command} followed by the options that connect it to {@code identity} of {@code hub}. */
  static String[] device(HubEmulator hub, DeviceIdentity identity, String... command) {
    List<String> args = new ArrayList<>(Arrays.asList(command));
    args.addAll(List.of("-c", identity.connectionString(), "--ca-file", hub.caFile().toString(), "--port",
        Integer.toString(hub.mqttPort())));
    return args.toArray(new String[0]);
  }

  static String[] concat(String[] first, String... more) {
    List<String> args = new ArrayList<>(Arrays.asList(first));
    args.addAll(Arrays.asList(more));
    return args.toArray(new String[0]);
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }

  /** A run in progress; its output can be read while it runs. */
  static final class Running {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit;

    Running(String[] args) {
      CommandLine cli = RxIotHubCommand.newCommandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      exit = CompletableFuture.supplyAsync(() -> cli.execute(args), runnable -> {
        Thread thread = new Thread(runnable, "cli-test-" + args[0]);
        thread.setDaemon(true);
        thread.start();
      });
    }

    String out() {
      return out.toString();
    }

    String err() {
      return err.toString();
    }

    boolean isDone() {
      return exit.isDone();
    }

    Cli await() {
      try {
        return new Cli(exit.get(60, TimeUnit.SECONDS), out.toString(), err.toString());
      } catch (Exception e) {
        throw new AssertionError("the command did not end in 60 s; stdout:\n" + out + "\nstderr:\n" + err, e);
      }
    }
  }
}
