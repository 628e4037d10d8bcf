// The console's static files: the pages' HTML, CSS and ES modules from the emulator's jar, and uPlot from its WebJar,
// with headers that keep the page to its own origin (no CDN, no inline script, no framing).
package io.rxiothub.emulator.console.internal;

import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads classpath resources once and answers them with their content type. Thread-safe. */
final class StaticFiles {

  private static final Logger LOG = LoggerFactory.getLogger(StaticFiles.class);

  /** The console's own files. */
  static final String ROOT = "io/rxiothub/emulator/console/static/";
  /** uPlot's WebJar (org.webjars.npm:uplot); the version is the jar's, read from its pom.properties. */
  private static final String UPLOT = "META-INF/resources/webjars/uplot/";
  /** A file name: no path separators, no dot-dot, nothing to escape. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,80}");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "svg", "image/svg+xml",
      "json", "application/json; charset=utf-8",
      "txt", "text/plain; charset=utf-8");
  /** The page runs only its own scripts and talks only to its own origin. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
      + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final ClassLoader loader;
  /** Null when uPlot's WebJar is missing: the console then runs without charts rather than the hub failing. */
  private final @Nullable String uplotVersion;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  StaticFiles(ClassLoader loader) {
    this.loader = loader;
    this.uplotVersion = uplotVersion(loader);
    if (uplotVersion == null) {
      LOG.warn("hub emulator: uPlot's WebJar (org.webjars.npm:uplot) is not on the class path; the console runs"
          + " without its chart");
    }
  }

  /** A console file ({@code dir} "" or "pages"), or 404. */
  HttpAnswer console(String dir, String name) {
    return answer(name, dir.isEmpty() ? ROOT + name : ROOT + dir + "/" + name);
  }

  /** A library file: {@code uPlot.esm.js}, {@code uPlot.min.css}, {@code uPlot-LICENSE.txt}, or 404. */
  HttpAnswer library(String name) {
    if (uplotVersion == null) {
      return HttpRoutes.error(404, "NotFound", "uPlot's WebJar (org.webjars.npm:uplot) is not on the emulator's"
          + " class path: the console's charts need it");
    }
    String resource = switch (name) {
      case "uPlot.esm.js", "uPlot.min.css" -> UPLOT + uplotVersion + "/dist/" + name;
      case "uPlot-LICENSE.txt" -> UPLOT + uplotVersion + "/LICENSE";
      default -> "";
    };
    return resource.isEmpty() ? notFound(name) : answer(name, resource);
  }

  private HttpAnswer answer(String name, String resource) {
    if (!NAME.matcher(name).matches()) {
      return notFound(name);
    }
    int dot = name.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    byte[] body = type == null ? null : read(resource);
    if (type == null || body == null) {
      return notFound(name);
    }
    return secured(HttpAnswer.builder().status(200).header("Content-Type", type)).body(body).build();
  }

  /** Adds the headers every console answer carries. */
  static HttpAnswer.Builder secured(HttpAnswer.Builder answer) {
    return answer.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Frame-Options", "DENY")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "no-cache");
  }

  private static HttpAnswer notFound(String name) {
    return HttpRoutes.error(404, "NotFound", "the console has no file '" + name + "'");
  }

  private byte @Nullable [] read(String resource) {
    byte[] cached = cache.get(resource);
    if (cached != null) {
      return cached;
    }
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      cache.put(resource, bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console resource " + resource, e);
    }
  }

  private static @Nullable String uplotVersion(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        return null;
      }
      java.util.Properties properties = new java.util.Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read uPlot's WebJar version", e);
    }
  }
}
