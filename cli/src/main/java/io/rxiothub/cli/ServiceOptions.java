// The option of every command that talks to a running `rxiothub emulator` through its service REST API.
package io.rxiothub.cli;

import io.rxiothub.emulator.service.ServiceClient;
import io.rxiothub.emulator.service.ServiceFile;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** A picocli mixin: where the running emulator's service file is. */
final class ServiceOptions {

  @Option(names = "--service-file", paramLabel = "PATH",
      description = "The service file of the running emulator (default: the one ~/.rxiothub/emulator-{port}.json;"
          + " needed when several emulators run).")
  @Nullable Path serviceFile;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces.")
  boolean verbose;

  ServiceClient client() {
    try {
      return new ServiceClient(ServiceFile.read(serviceFile != null ? serviceFile : ServiceFile.discover()));
    } catch (IllegalStateException e) {
      throw new CliException(ExitCodes.CONNECTION, e.getMessage(), e);
    }
  }
}
