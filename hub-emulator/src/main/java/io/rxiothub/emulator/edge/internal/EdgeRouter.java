// The edgeHub's routing (docs/protocol.md §17.4): module telemetry matched against its device's routes, delivered to
// module inputs or upstream; input messages held while their module is not subscribed.
package io.rxiothub.emulator.edge.internal;

import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.emulator.edge.EdgeRoute;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.PropertyBags;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes per edge device and the held input messages per module. Thread-safe. */
public final class EdgeRouter implements HubCore.TelemetryRouting {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeRouter.class);
  /** Input messages held per module while it is not subscribed; the oldest is dropped beyond. */
  static final int HELD_PER_MODULE = 1000;

  private final HubCore core;
  private final Map<String, Map<String, EdgeRoute>> routes = new ConcurrentHashMap<>();
  private final Map<Identity, Deque<Held>> held = new ConcurrentHashMap<>();

  private record Held(String topic, byte[] payload) {}

  /** Creates the router of {@code core}'s module telemetry. */
  public EdgeRouter(HubCore core) {
    this.core = core;
  }

  /** Adds or replaces a route; returns it parsed. */
  public EdgeRoute setRoute(String deviceId, String name, String text) {
    EdgeRoute route = EdgeRoute.parse(text);
    Map<String, EdgeRoute> device = routes.computeIfAbsent(deviceId, k -> new LinkedHashMap<>());
    synchronized (device) {
      device.put(name, route);
    }
    LOG.info("hub emulator: edge route {} of {}: {}", name, deviceId, route);
    return route;
  }

  /** Removes a route; returns whether it existed. */
  public boolean removeRoute(String deviceId, String name) {
    Map<String, EdgeRoute> device = routes.get(deviceId);
    if (device == null) {
      return false;
    }
    synchronized (device) {
      return device.remove(name) != null;
    }
  }

  /** The routes of a device by name (copy). */
  public Map<String, EdgeRoute> routes(String deviceId) {
    Map<String, EdgeRoute> device = routes.get(deviceId);
    if (device == null) {
      return Map.of();
    }
    synchronized (device) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(device));
    }
  }

  @Override
  public boolean route(Identity identity, TelemetryMessage message, boolean retain) {
    List<EdgeRoute> matching = new ArrayList<>();
    String output = message.systemProperties().get("$.on");
    for (EdgeRoute route : routes(identity.deviceId()).values()) {
      if (route.matches(identity.moduleId(), output, message.systemProperties(), message.applicationProperties())) {
        matching.add(route);
      }
    }
    if (matching.isEmpty()) {
      return false;
    }
    boolean upstream = false;
    for (EdgeRoute route : matching) {
      if (route.isUpstream()) {
        if (!upstream) { // several $upstream routes still send the message upstream once
          core.captureTelemetry(identity, message, retain);
          upstream = true;
        }
      } else {
        deliver(identity, message, new Identity(identity.deviceId(), route.sinkModule()),
            String.valueOf(route.sinkInput()));
      }
    }
    return true;
  }

  /** Sends {@code message} of {@code from} to {@code input} of module {@code to} (QoS 1), or holds it. */
  private void deliver(Identity from, TelemetryMessage message, Identity to, String input) {
    Map<String, @Nullable String> bag = new LinkedHashMap<>();
    for (Map.Entry<String, @Nullable String> e : message.systemProperties().entrySet()) {
      if (e.getKey().startsWith("$.") && !e.getKey().equals("$.on")) {
        bag.put(e.getKey(), e.getValue());
      }
    }
    bag.put("$.cdid", from.deviceId());
    bag.put("$.cmid", from.moduleId());
    bag.putAll(message.applicationProperties());
    String topic = "devices/" + to.deviceId() + "/modules/" + to.moduleId() + "/inputs/" + input + "/"
        + PropertyBags.encode(bag);
    send(to, new Held(topic, message.payload()));
  }

  private void send(Identity to, Held message) {
    core.publish(to, message.topic(), message.payload(), 1).whenComplete((delivered, error) -> {
      if (error == null && Boolean.TRUE.equals(delivered)) {
        LOG.debug("hub emulator: edge input message to {} on {}", to, message.topic());
        return;
      }
      Deque<Held> queue = held.computeIfAbsent(to, k -> new ArrayDeque<>());
      synchronized (queue) {
        queue.addLast(message);
        if (queue.size() > HELD_PER_MODULE) {
          queue.removeFirst();
          LOG.warn("hub emulator: more than {} input messages held for {} (not subscribed to its inputs): dropped "
              + "the oldest", HELD_PER_MODULE, to);
        }
      }
      LOG.debug("hub emulator: held an input message for {} until it subscribes", to);
    });
  }

  @Override
  public void subscriptionsActive(Identity identity) {
    Deque<Held> queue = held.get(identity);
    if (queue == null) {
      return;
    }
    List<Held> now;
    synchronized (queue) {
      now = new ArrayList<>(queue);
      queue.clear();
    }
    for (Held message : now) {
      send(identity, message);
    }
  }

  /** How many input messages are held for a module. */
  public int held(Identity identity) {
    Deque<Held> queue = held.get(identity);
    if (queue == null) {
      return 0;
    }
    synchronized (queue) {
      return queue.size();
    }
  }
}
