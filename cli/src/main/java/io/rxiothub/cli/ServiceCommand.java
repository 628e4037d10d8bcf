// The shape of the `rxiothub emulator` subcommands that ask the running emulator for one thing through its service API.
package io.rxiothub.cli;

import io.rxiothub.emulator.service.ServiceClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Finds the running emulator (exit 4 when there is none), makes one request and prints its answer (exit 0). */
abstract class ServiceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ServiceOptions service;

  @Override
  public final Integer call() {
    ServiceClient client = service.client();
    run(client, spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  abstract void run(ServiceClient client, PrintWriter out);

  /** A service command about one device, named by {@code -d}. */
  abstract static class OnDevice extends ServiceCommand {
    @Option(names = {"-d", "--device"}, required = true, paramLabel = "ID", description = "The device id.")
    String deviceId;
  }

  /** A service command about one device or one of its modules ({@code -d} and {@code -m}). */
  abstract static class OnIdentity extends OnDevice {
    @Option(names = {"-m", "--module"}, paramLabel = "ID", description = "A module of the device (default: the"
        + " device itself).")
    @org.jspecify.annotations.Nullable String moduleId;

    String name() {
      return moduleId == null ? deviceId : deviceId + "/" + moduleId;
    }
  }
}
