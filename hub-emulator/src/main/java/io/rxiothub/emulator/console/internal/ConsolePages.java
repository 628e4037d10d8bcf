// The console's page registry: each face of the emulator adds its page (an ES module under the console's pages/)
// without touching the others; the shell loads what GET /console/pages.json lists.
package io.rxiothub.emulator.console.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/** Pages in menu order. Thread-safe; a page added while serving appears at the next load of the console. */
public final class ConsolePages {

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,30}");
  private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9-]{0,40}\\.js");

  /** A page: its id (the URL fragment), its menu title and its module file under {@code pages/}. */
  public record Page(String id, String title, String module) {}

  private final List<Page> pages = new CopyOnWriteArrayList<>();

  /** The pages of the IoT Hub face, in menu order. */
  public static ConsolePages hub() {
    ConsolePages pages = new ConsolePages();
    pages.add("devices", "Devices", "devices.js");
    pages.add("telemetry", "Telemetry", "telemetry.js");
    pages.add("twin", "Twin", "twin.js");
    pages.add("methods", "Direct methods", "methods.js");
    pages.add("c2d", "Cloud-to-device", "c2d.js");
    pages.add("faults", "Faults", "faults.js");
    return pages;
  }

  /**
   * Adds a page at the end of the menu; its module (in the emulator's resources under
   * {@code io/rxiothub/emulator/console/static/pages/}) exports {@code render(view, console)}.
   *
   * @throws IllegalArgumentException if the id or module name breaks its rule, or the id is taken
   */
  public synchronized void add(String id, String title, String module) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be 1..31 of a-z, 0-9 and '-', starting with a letter, got '" + id
          + "'");
    }
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("title must not be null or blank");
    }
    if (module == null || !MODULE.matcher(module).matches()) {
      throw new IllegalArgumentException("module must be a file name like 'dps.js' (a-z, 0-9, '-'), got '" + module
          + "'");
    }
    for (Page page : pages) {
      if (page.id().equals(id)) {
        throw new IllegalArgumentException("the console already has a page '" + id + "'");
      }
    }
    pages.add(new Page(id, title, module));
  }

  /** The pages, in menu order. */
  public List<Page> list() {
    return new ArrayList<>(pages);
  }

  /** The manifest the shell reads: {@code [{"id","title","module"}]}. */
  String json(ObjectMapper json) {
    ArrayNode out = json.createArrayNode();
    for (Page page : pages) {
      out.addObject().put("id", page.id()).put("title", page.title()).put("module", page.module());
    }
    return out.toString();
  }
}
