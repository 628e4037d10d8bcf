// Reads a gateway configuration file (YAML, or JSON as YAML's subset) into a GatewayConfig.
package io.rxiothub.gateway;

import io.rxiothub.gateway.internal.ConfigReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The gateway's configuration file; its format is in the gateway module's README. */
public final class GatewayConfigFile {

  private GatewayConfigFile() {
  }

  /**
   * Reads {@code file}; relative paths in it are resolved against its folder, and a secret written as
   * {@code env:NAME} is read from the environment variable {@code NAME}.
   *
   * @throws IllegalArgumentException if {@code file} is null
   * @throws GatewayConfigException if the file cannot be read or breaks a rule (the message names the line)
   */
  public static GatewayConfig read(Path file) {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GatewayConfigException("cannot read the configuration file " + file + ": " + e, 0);
    }
    Path base = file.toAbsolutePath().getParent();
    return ConfigReader.read(text, file.toString(), base, System.getenv());
  }

  /**
   * Parses configuration {@code text} named {@code source} in messages; relative paths resolve against
   * {@code baseDirectory}, {@code env:NAME} secrets against {@code environment}.
   *
   * @throws IllegalArgumentException if an argument is null
   * @throws GatewayConfigException if the text breaks a rule (the message names the line)
   */
  public static GatewayConfig parse(String text, String source, Path baseDirectory, Map<String, String> environment) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    if (source == null) {
      throw new IllegalArgumentException("source must not be null");
    }
    if (baseDirectory == null) {
      throw new IllegalArgumentException("baseDirectory must not be null");
    }
    if (environment == null) {
      throw new IllegalArgumentException("environment must not be null");
    }
    return ConfigReader.read(text, source, baseDirectory, environment);
  }
}
