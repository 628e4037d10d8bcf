// The emulator-only REST routes of its IoT Edge side (docs/service-api.md §11): an edge device's routes (list, set,
// remove) and a module's IOTEDGE_* environment, so that tools and other processes (`rxiothub emulator edge`) can
// wire a local pipeline of modules without the Java API.
package io.rxiothub.emulator.edge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.edge.EdgeRoute;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.RegistryStore;
import io.rxiothub.emulator.internal.SharedAccessPolicies.Permission;
import io.rxiothub.emulator.service.internal.HubError;
import io.rxiothub.emulator.service.internal.ServiceAuth;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Installs {@code /emulator/edge/{id}/routes[/{name}]} and {@code /emulator/edge/{id}/modules/{mid}/environment}. */
public final class EdgeServiceRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Permission> READ = EnumSet.of(Permission.REGISTRY_READ, Permission.REGISTRY_WRITE);
  private static final Set<Permission> WRITE = EnumSet.of(Permission.REGISTRY_WRITE);
  private static final int MAX_BODY = 16 * 1024;

  private final EdgeFace edge;
  private final RegistryStore registry;
  private final ServiceAuth auth;

  private EdgeServiceRoutes(EdgeFace edge, RegistryStore registry, ServiceAuth auth) {
    this.edge = edge;
    this.registry = registry;
    this.auth = auth;
  }

  /** Adds the routes to {@code routes}, authorized by the hub's shared access policies. */
  public static void install(HttpRoutes routes, EdgeFace edge, RegistryStore registry, ServiceAuth auth) {
    EdgeServiceRoutes face = new EdgeServiceRoutes(edge, registry, auth);
    face.route(routes, "GET", "/emulator/edge/{id}/routes", READ, face::list);
    face.route(routes, "PUT", "/emulator/edge/{id}/routes/{name}", WRITE, face::put);
    face.route(routes, "DELETE", "/emulator/edge/{id}/routes/{name}", WRITE, face::delete);
    face.route(routes, "GET", "/emulator/edge/{id}/modules/{mid}/environment", READ, face::environment);
  }

  private void route(HttpRoutes routes, String method, String template, Set<Permission> permissions,
      Function<HttpCall, HttpAnswer> handler) {
    routes.add(method, template, call -> Single.fromCallable(() -> {
      auth.check(call.header("Authorization"), permissions);
      return handler.apply(call);
    }).onErrorReturn(EdgeServiceRoutes::errorAnswer));
  }

  /** {@code {"routes":{"name":"FROM …",…}}}, the shape of the edgeHub's desired {@code routes} (schema 1.0). */
  private HttpAnswer list(HttpCall call) {
    String device = device(call);
    ObjectNode routes = JSON.createObjectNode();
    for (Map.Entry<String, EdgeRoute> route : edge.routes(device).entrySet()) {
      routes.put(route.getKey(), route.getValue().text());
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("routes", routes);
    return answer(200, body);
  }

  /** Body {@code {"route":"FROM … INTO …"}}; answers the route as stored, 400 naming the rule it breaks. */
  private HttpAnswer put(HttpCall call) {
    String device = device(call);
    String name = call.path("name");
    if (call.bodyLength() > MAX_BODY) {
      throw HubError.badRequest("the route's body is over " + MAX_BODY + " bytes");
    }
    JsonNode body;
    try {
      body = JSON.readTree(call.body());
    } catch (IOException e) {
      body = null;
    }
    JsonNode text = body == null ? null : body.get("route");
    if (text == null || !text.isTextual() || text.asText().isBlank()) {
      throw HubError.badRequest("send {\"route\":\"FROM /messages/modules/{m}/outputs/{o} INTO "
          + "BrokeredEndpoint(\\\"/modules/{m2}/inputs/{i}\\\")\"} (or INTO $upstream)");
    }
    EdgeRoute route;
    try {
      route = edge.setRoute(device, name, text.asText());
    } catch (IllegalArgumentException e) {
      throw HubError.badRequest("route '" + name + "' of " + device + ": " + e.getMessage());
    }
    return answer(200, JSON.createObjectNode().put("name", name).put("route", route.text()));
  }

  private HttpAnswer delete(HttpCall call) {
    String device = device(call);
    String name = call.path("name");
    if (!edge.removeRoute(device, name)) {
      throw new HubError(404, "RouteNotFound", 404000, "edge device " + device + " has no route '" + name + "'");
    }
    return HttpAnswer.builder().status(204).build();
  }

  private HttpAnswer environment(HttpCall call) {
    String device = device(call);
    String module = call.path("mid");
    if (registry.get(new Identity(device, module)).isEmpty()) {
      throw HubError.notFound(true, "module '" + module + "' of device '" + device + "' does not exist: create it"
          + " first (PUT /devices/" + device + "/modules/" + module + ")");
    }
    ObjectNode body = JSON.createObjectNode();
    edge.environment(device, module).forEach(body::put);
    return answer(200, body);
  }

  /** The device of the call, which must exist (an edge device is a device of the registry). */
  private String device(HttpCall call) {
    String device = call.path("id");
    if (registry.get(new Identity(device, null)).isEmpty()) {
      throw HubError.notFound(false, "device '" + device + "' does not exist: create the edge device first");
    }
    return device;
  }

  private static HttpAnswer answer(int status, JsonNode body) {
    try {
      return HttpAnswer.json(status, JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpAnswer errorAnswer(Throwable e) throws Throwable {
    if (e instanceof HubError hub) {
      return hub.answer();
    }
    if (e instanceof IllegalArgumentException) {
      return HubError.badRequest(String.valueOf(e.getMessage())).answer();
    }
    throw e;
  }
}
