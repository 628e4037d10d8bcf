// Reports the rxiothub version from the jar manifest, or "development" when run from classes.
package io.rxiothub.cli;

import picocli.CommandLine.IVersionProvider;

/** Supplies {@code --version}. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = RxIotHubCommand.class.getPackage().getImplementationVersion();
    return new String[] {"rxiothub " + (version == null ? "development build" : version)};
  }
}
