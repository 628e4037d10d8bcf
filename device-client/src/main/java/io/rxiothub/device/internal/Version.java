// The SDK version sent in DeviceClientType, read from a resource Maven fills in at build time.
package io.rxiothub.device.internal;

import java.io.InputStream;
import java.util.Properties;

/** The SDK's version. */
public final class Version {

  /** The version, e.g. {@code 0.1.0}; {@code unknown} if the resource is missing. */
  public static final String VERSION = load();

  private Version() {}

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (Exception e) {
      return "unknown";
    }
  }
}
