// The emulator's IoT Edge side as tests and tools see it: routes per edge device, the workload API, a module's
// IOTEDGE_* environment (docs/protocol.md §17.4-17.5).
package io.rxiothub.emulator.edge;

import java.net.URI;
import java.util.Map;

/**
 * The edgeHub and workload API of the emulator. The edgeHub is the hub itself: a module connects to the emulator's
 * MQTT port as to an edgeHub, subscribes {@code devices/{d}/modules/{m}/inputs/#}, and what it sends to an output
 * ({@code $.on}) goes where the routes of its device say: to other modules' inputs and/or upstream to the hub's
 * telemetry. A module message that no route of its device matches (or of a device without routes) is the hub's
 * telemetry, as before. A message for a module input that is not connected and subscribed is held (up to 1,000 per
 * module, the oldest dropped with a warning) and delivered once it subscribes.
 */
public interface EdgeHub {

  /** The api-version the workload API answers and {@link #environment} hands out. */
  String WORKLOAD_API_VERSION = "2018-06-28";

  /**
   * Adds or replaces the route {@code name} of edge device {@code deviceId}.
   *
   * @throws IllegalArgumentException if the route does not parse (the message says which part breaks which rule), or
   *     an argument is null or empty
   */
  EdgeRoute setRoute(String deviceId, String name, String route);

  /** Removes a route; returns whether it existed. */
  boolean removeRoute(String deviceId, String name);

  /** Returns the routes of an edge device by name, in the order they were added (unmodifiable copy). */
  Map<String, EdgeRoute> routes(String deviceId);

  /**
   * Returns the base URI of the workload API of {@code deviceId} on loopback HTTP, started at the first call:
   * {@code POST {uri}/modules/{m}/genid/{g}/sign?api-version=…} signs with the module's primary key,
   * {@code GET {uri}/trust-bundle?api-version=…} returns the emulator's CA certificate.
   */
  URI workloadUri(String deviceId);

  /**
   * Returns the {@code IOTEDGE_*} variables the IoT Edge runtime would give module {@code moduleId} of edge device
   * {@code deviceId}: workload URI, hub and gateway host names (the emulator's host name; its MQTT port is not part of
   * them), ids, generation id, auth scheme {@code sasToken} and api-version.
   *
   * @throws IllegalArgumentException if the module does not exist in the registry
   */
  Map<String, String> environment(String deviceId, String moduleId);

  /**
   * Makes the workload API's next {@code requests} sign requests (of any module) misbehave, for tests of how a module
   * copes with a failing or slow workload API: each is held {@code delayMillis}, then answered with HTTP
   * {@code status} and a JSON error, or, with {@code status} 0, signed as usual (only slow). {@code requests} 0
   * clears what is left. The workload API answers one request at a time, so a held request holds the ones after it.
   *
   * @throws IllegalArgumentException if {@code requests} or {@code delayMillis} is negative, or {@code status} is
   *     neither 0 nor in 400..599
   */
  void workloadFaults(int requests, int status, long delayMillis);

  /** Returns how many sign requests the workload API has received (answered or failed), for tests. */
  long workloadSignRequests();
}
