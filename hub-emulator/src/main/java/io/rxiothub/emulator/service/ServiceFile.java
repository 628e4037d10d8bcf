// Where a running `rxiothub emulator` tells other rxiothub processes how to reach its service REST API.
package io.rxiothub.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A small JSON file, {@code {"url":..,"connectionString":..,"hostName":..,"mqttPort":..,"caFile":..}}: the HTTPS
 * URL of the emulator's REST face, its iothubowner service connection string (a secret: the file is created readable
 * by its owner only), and what devices need. One file per emulator, {@code ~/.rxiothub/emulator-{port}.json}, so two
 * emulators on one machine do not collide; it is deleted when the emulator stops.
 */
public record ServiceFile(String url, String connectionString, String hostName, int mqttPort, String caFile) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "emulator-";

  /** The directory of service files, {@code ~/.rxiothub}. */
  public static Path directory() {
    return Paths.get(System.getProperty("user.home"), ".rxiothub");
  }

  /** The default path of the emulator whose HTTPS (WebSocket) port is {@code port}. */
  public static Path defaultPath(int port) {
    return directory().resolve(PREFIX + port + ".json");
  }

  /**
   * The one running emulator's service file in {@link #directory()}.
   *
   * @throws IllegalStateException when there is none, or several (then name one with --service-file)
   */
  public static Path discover() {
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(directory())) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory(), PREFIX + "*.json")) {
        files.forEach(found::add);
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + directory() + ": " + e.getMessage(), e);
      }
    }
    if (found.isEmpty()) {
      throw new IllegalStateException("no running emulator: no " + PREFIX + "{port}.json in " + directory()
          + "; start one with `rxiothub emulator` (or pass the --service-file it uses)");
    }
    if (found.size() > 1) {
      found.sort(null);
      throw new IllegalStateException("several emulators are running (" + found + "): pass --service-file to"
          + " choose one");
    }
    return found.get(0);
  }

  /** Writes this file at {@code path}, owner-only where the file system supports it. */
  public void write(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.deleteIfExists(path);
    try {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(path);
    }
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(JSON.createObjectNode()
        .put("url", url).put("connectionString", connectionString).put("hostName", hostName)
        .put("mqttPort", mqttPort).put("caFile", caFile));
    Files.write(path, bytes, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * Reads the file.
   *
   * @throws IllegalStateException if it does not exist (no emulator running) or cannot be read
   */
  public static ServiceFile read(Path path) {
    try {
      JsonNode node = JSON.readTree(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
      return new ServiceFile(node.path("url").asText(), node.path("connectionString").asText(),
          node.path("hostName").asText(), node.path("mqttPort").asInt(), node.path("caFile").asText());
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("no running emulator: " + path + " does not exist; start one with"
          + " `rxiothub emulator` (or pass the --service-file it uses)");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "ServiceFile{url=" + url + ", connectionString=<redacted>, hostName=" + hostName + ", mqttPort="
        + mqttPort + ", caFile=" + caFile + "}";
  }
}
