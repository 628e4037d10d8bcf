// The emulator's EdgeHub: the router hooked into the hub's telemetry path, the workload API, module environments.
package io.rxiothub.emulator.edge.internal;

import io.rxiothub.emulator.edge.EdgeHub;
import io.rxiothub.emulator.edge.EdgeRoute;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The {@link EdgeHub} of one emulator. */
public final class EdgeFace implements EdgeHub, AutoCloseable {

  private final HubCore core;
  private final EdgeRouter router;
  private final WorkloadApi workload;

  /** Hooks the router into {@code core}; {@code caPem} is the trust bundle. */
  public EdgeFace(HubCore core, Supplier<String> caPem) {
    this.core = core;
    this.router = new EdgeRouter(core);
    this.workload = new WorkloadApi(core.registry(), caPem);
    core.routing(router);
  }

  @Override
  public EdgeRoute setRoute(String deviceId, String name, String route) {
    nonEmpty("deviceId", deviceId);
    nonEmpty("name", name);
    if (route == null) {
      throw new IllegalArgumentException("route must not be null");
    }
    return router.setRoute(deviceId, name, route);
  }

  @Override
  public boolean removeRoute(String deviceId, String name) {
    nonEmpty("deviceId", deviceId);
    nonEmpty("name", name);
    return router.removeRoute(deviceId, name);
  }

  @Override
  public Map<String, EdgeRoute> routes(String deviceId) {
    nonEmpty("deviceId", deviceId);
    return router.routes(deviceId);
  }

  @Override
  public URI workloadUri(String deviceId) {
    nonEmpty("deviceId", deviceId);
    return workload.start().resolve("edge/" + deviceId + "/");
  }

  @Override
  public Map<String, String> environment(String deviceId, String moduleId) {
    nonEmpty("deviceId", deviceId);
    nonEmpty("moduleId", moduleId);
    Identity module = new Identity(deviceId, moduleId);
    if (core.registry().get(module).isEmpty()) {
      throw new IllegalArgumentException("module " + moduleId + " of device " + deviceId
          + " does not exist in the registry: create it first");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("IOTEDGE_WORKLOADURI", workloadUri(deviceId).toString());
    env.put("IOTEDGE_IOTHUBHOSTNAME", core.hostName());
    env.put("IOTEDGE_GATEWAYHOSTNAME", core.hostName());
    env.put("IOTEDGE_DEVICEID", deviceId);
    env.put("IOTEDGE_MODULEID", moduleId);
    env.put("IOTEDGE_MODULEGENERATIONID", workload.generationId(module));
    env.put("IOTEDGE_AUTHSCHEME", "sasToken");
    env.put("IOTEDGE_APIVERSION", WORKLOAD_API_VERSION);
    return env;
  }

  @Override
  public void workloadFaults(int requests, int status, long delayMillis) {
    if (requests < 0 || delayMillis < 0) {
      throw new IllegalArgumentException("requests and delayMillis must not be negative");
    }
    if (status != 0 && (status < 400 || status > 599)) {
      throw new IllegalArgumentException("status must be 0 (slow only) or an HTTP error status 400..599, got "
          + status);
    }
    workload.faults(requests, status, delayMillis);
  }

  @Override
  public long workloadSignRequests() {
    return workload.signRequests();
  }

  /** How many input messages are held for a module that is not subscribed. */
  public int held(String deviceId, String moduleId) {
    return router.held(new Identity(deviceId, moduleId));
  }

  @Override
  public void close() {
    workload.close();
  }

  private static void nonEmpty(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be null or empty");
    }
  }
}
