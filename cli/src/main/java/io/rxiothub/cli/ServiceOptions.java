// The option of every command that talks to a running `rxiothub emulator` through its service API.
package io.rxiothub.cli;

import io.rxiothub.emulator.service.ServiceClient;
import io.rxiothub.emulator.service.ServiceFile;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** A picocli mixin: where the running emulator's service file is. */
final class ServiceOptions {

  @Option(names = "--service-file", paramLabel = "PATH",
      description = "The service file of the running emulator (default: ~/.rxiothub/emulator-service.json).")
  @Nullable Path serviceFile;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces.")
  boolean verbose;

  Path path() {
    return serviceFile != null ? serviceFile : ServiceFile.defaultPath();
  }

  ServiceClient client() {
    try {
      return new ServiceClient(ServiceFile.read(path()));
    } catch (IllegalStateException e) {
      throw new CliException(ExitCodes.CONNECTION, e.getMessage(), e);
    }
  }
}
