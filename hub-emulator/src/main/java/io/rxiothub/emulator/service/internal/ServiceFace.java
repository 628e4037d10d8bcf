// IoT Hub's service REST API on the emulator's route table: which route needs which permission, api-version and
// error handling around every handler (docs/service-api.md).
package io.rxiothub.emulator.service.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.files.FileUploadNotification;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.SharedAccessPolicies.Permission;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Installs the service routes. */
public final class ServiceFace {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceFace.class);
  /** The api-version the emulator serves (azure-iot-sdk-java 2.x sends it); any dated version is answered alike. */
  public static final String API_VERSION = "2021-04-12";
  private static final Pattern API_VERSION_FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");

  private static final Set<Permission> READ = EnumSet.of(Permission.REGISTRY_READ);
  private static final Set<Permission> WRITE = EnumSet.of(Permission.REGISTRY_WRITE);
  private static final Set<Permission> SERVICE = EnumSet.of(Permission.SERVICE_CONNECT);
  private static final Set<Permission> QUERY = EnumSet.of(Permission.SERVICE_CONNECT, Permission.REGISTRY_READ);
  /** Stopping the emulator's process needs every permission (iothubowner). */
  private static final Set<Permission> OWNER = EnumSet.allOf(Permission.class);

  private final HttpRoutes routes;
  private final ServiceAuth auth;

  private ServiceFace(HttpRoutes routes, ServiceAuth auth) {
    this.routes = routes;
    this.auth = auth;
  }

  /**
   * Adds the service API's routes over {@code core} to {@code routes} (changes reach the data dir through the core's
   * stores); {@code shutdown} runs when a client asks the emulator's process to stop ({@code POST /emulator/shutdown});
   * {@code fileUploads} (the file upload face's notifications) feed {@code /messages/serviceBound/filenotifications}.
   *
   * @return what stops the face's own work (scheduled jobs' timers and calls, the file notification feed) when the
   *     hub closes
   */
  public static Runnable install(HttpRoutes routes, HubCore core, Clock clock, Runnable shutdown,
      Flowable<FileUploadNotification> fileUploads) {
    ServiceFace face = new ServiceFace(routes, new ServiceAuth(core.registry(), clock));
    RegistryRoutes registry = new RegistryRoutes(core, clock);
    TwinRoutes twins = new TwinRoutes(core, registry);
    face.sync("PUT", "/devices/{id}", WRITE, registry::put);
    face.sync("GET", "/devices/{id}", READ, registry::get);
    face.sync("DELETE", "/devices/{id}", WRITE, registry::delete);
    face.sync("GET", "/devices", READ, registry::list);
    face.sync("PUT", "/devices/{id}/modules/{mid}", WRITE, registry::put);
    face.sync("GET", "/devices/{id}/modules/{mid}", READ, registry::get);
    face.sync("DELETE", "/devices/{id}/modules/{mid}", WRITE, registry::delete);
    face.sync("GET", "/devices/{id}/modules", READ, registry::modules);
    face.sync("GET", "/statistics/devices", READ, registry::statistics);
    MethodRoutes methods = new MethodRoutes(core, registry);
    face.sync("POST", "/devices", WRITE, new BulkRoutes(registry, twins)::bulk);
    for (String twin : new String[] {"/twins/{id}", "/twins/{id}/modules/{mid}"}) {
      face.sync("GET", twin, SERVICE, twins::get);
      face.sync("PATCH", twin, SERVICE, twins::patch);
      face.sync("PUT", twin, SERVICE, twins::replace);
      face.async("POST", twin + "/methods", SERVICE, methods::invoke);
    }
    JobRunner runner = new JobRunner(twins, methods, clock, core.records());
    JobRoutes jobs = new JobRoutes(runner);
    face.sync("PUT", "/jobs/v2/{id}", SERVICE, jobs::schedule);
    face.sync("GET", "/jobs/v2/{id}", QUERY, jobs::get);
    face.sync("POST", "/jobs/v2/{id}/cancel", SERVICE, jobs::cancel);
    face.sync("GET", "/jobs/v2/query", QUERY, jobs::query);
    face.sync("POST", "/devices/query", QUERY, new QueryRoutes(twins, runner)::query);
    C2dFeedback feedback = new C2dFeedback(registry, clock, core.records());
    feedback.watchAll(core.c2d().pending()); // restored from the data dir: their feedback is still owed
    EmulatorRoutes emulator = new EmulatorRoutes(core, registry, feedback, shutdown);
    face.sync("DELETE", "/devices/{id}/commands", SERVICE, emulator::purge);
    ServiceBoundRoutes feedbackRoutes = new ServiceBoundRoutes(feedback.queue(), clock);
    face.sync("GET", "/messages/serviceBound/feedback", SERVICE, feedbackRoutes::receive);
    face.sync("DELETE", "/messages/serviceBound/feedback/{lockToken}", SERVICE, feedbackRoutes::complete);
    face.sync("POST", "/messages/serviceBound/feedback/{lockToken}/abandon", SERVICE, feedbackRoutes::abandon);
    FileNotifications fileNotifications = new FileNotifications(fileUploads, clock, core.records());
    ServiceBoundRoutes fileRoutes = new ServiceBoundRoutes(fileNotifications.queue(), clock);
    face.sync("GET", "/messages/serviceBound/filenotifications", SERVICE, fileRoutes::receive);
    face.sync("DELETE", "/messages/serviceBound/filenotifications/{lockToken}", SERVICE, fileRoutes::complete);
    face.sync("POST", "/messages/serviceBound/filenotifications/{lockToken}/abandon", SERVICE,
        fileRoutes::abandon);
    face.sync("POST", "/emulator/devices/{id}/messages", SERVICE, emulator::sendCloudToDevice);
    face.sync("POST", "/emulator/devices/{id}/drop", SERVICE, emulator::drop);
    face.sync("POST", "/emulator/devices/{id}/modules/{mid}/drop", SERVICE, emulator::drop);
    face.sync("POST", "/emulator/shutdown", OWNER, emulator::shutdown);
    face.sync("GET", "/emulator/monitor", SERVICE, new MonitorRoutes(core)::monitor);
    return () -> {
      runner.stop();
      fileNotifications.close();
    };
  }

  private void sync(String method, String template, Set<Permission> permissions, Function<HttpCall, HttpAnswer> h) {
    async(method, template, permissions, call -> Single.just(h.apply(call)));
  }

  private void async(String method, String template, Set<Permission> permissions,
      Function<HttpCall, Single<HttpAnswer>> handler) {
    routes.add(method, template, call -> Single.defer(() -> {
      checkApiVersion(call);
      if (permissions.size() == Permission.values().length) {
        auth.checkAll(call.header("Authorization"));
      } else {
        auth.check(call.header("Authorization"), permissions);
      }
      return handler.apply(call);
    }).onErrorReturn(ServiceFace::errorAnswer));
  }

  private static void checkApiVersion(HttpCall call) {
    String version = call.query("api-version");
    if (version != null && !API_VERSION_FORM.matcher(version).matches()) {
      throw new HubError(400, "InvalidProtocolVersion", 400001, "api-version '" + version + "' is not of the"
          + " form YYYY-MM-DD[-preview]; the emulator serves " + API_VERSION + " (and answers any dated version"
          + " alike)");
    }
  }

  private static HttpAnswer errorAnswer(Throwable e) throws Throwable {
    if (e instanceof HubError hub) {
      return hub.answer();
    }
    if (e instanceof IllegalArgumentException) {
      return HubError.badRequest(String.valueOf(e.getMessage())).answer();
    }
    LOG.warn("hub emulator: a service API call failed", e);
    throw e;
  }
}
