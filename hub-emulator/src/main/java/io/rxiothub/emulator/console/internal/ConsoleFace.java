// The web console on the emulator's HTTPS port: static pages under /console/, the page manifest, and the console's
// emulator-only routes. The pages hold no secret: they ask for the service credentials and sign each call.
package io.rxiothub.emulator.console.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.service.internal.ServiceAuth;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** Installs the console. */
public final class ConsoleFace implements AutoCloseable {

  /** The console's path on the HTTPS port. */
  public static final String PATH = "/console/";

  private final StaticFiles files = new StaticFiles(ConsoleFace.class.getClassLoader());
  private final ConsolePages pages = ConsolePages.hub();
  private final ConsoleRoutes routes;

  private ConsoleFace(HubCore core, Clock clock) {
    this.routes = new ConsoleRoutes(core, new ServiceAuth(core.registry(), clock));
  }

  /** Adds the console's routes to {@code table}; close the face with the emulator. */
  public static ConsoleFace install(HttpRoutes table, HubCore core, Clock clock) {
    ConsoleFace face = new ConsoleFace(core, clock);
    table.add("GET", "/console", face::index);
    table.add("GET", "/console/pages.json", call -> Single.just(StaticFiles.secured(HttpAnswer.builder()
        .header("Content-Type", "application/json; charset=utf-8"))
        .body(face.pages.json(new ObjectMapper()).getBytes(StandardCharsets.UTF_8)).build()));
    table.add("GET", "/console/{file}", call -> Single.just(face.files.console("", call.path("file"))));
    table.add("GET", "/console/pages/{file}", call -> Single.just(face.files.console("pages", call.path("file"))));
    table.add("GET", "/console/lib/{file}", call -> Single.just(face.files.library(call.path("file"))));
    face.routes.install(table);
    return face;
  }

  /** The page registry: a face adds its page here. */
  public ConsolePages pages() {
    return pages;
  }

  private Single<HttpAnswer> index(HttpCall call) {
    if (!call.path().endsWith("/")) {
      // Relative module URLs resolve against the directory: /console must become /console/.
      return Single.just(HttpAnswer.builder().status(301).header("Location", PATH).build());
    }
    return Single.just(files.console("", "index.html"));
  }

  @Override
  public void close() {
    routes.close();
  }
}
