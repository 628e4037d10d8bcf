// Where a running `rxiothub emulator` tells other rxiothub processes how to reach its service API.
package io.rxiothub.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A small JSON file, {@code {"url":..,"token":..,"hostName":..,"mqttPort":..,"caFile":..}}, created readable by its
 * owner only (it holds the token) and deleted when the emulator stops. Default place:
 * {@code ~/.rxiothub/emulator-service.json}.
 */
public record ServiceFile(String url, String token, String hostName, int mqttPort, String caFile) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The default path. */
  public static Path defaultPath() {
    return Paths.get(System.getProperty("user.home"), ".rxiothub", "emulator-service.json");
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
        .put("url", url).put("token", token).put("hostName", hostName).put("mqttPort", mqttPort)
        .put("caFile", caFile));
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
      return new ServiceFile(node.path("url").asText(), node.path("token").asText(),
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
    return "ServiceFile{url=" + url + ", token=<redacted>, hostName=" + hostName + ", mqttPort=" + mqttPort
        + ", caFile=" + caFile + "}";
  }
}
