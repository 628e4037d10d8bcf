// Gateway auto-registration (protocol.md §14.4): limits, pending requests, injected delay and failures, back-off.
package io.rxiothub.emulator.watson.internal;

import io.rxiothub.watson.Notification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers unknown devices for gateways. Thread-safe (one monitor); actions run outside it. */
public final class AutoRegistration {

  private static final Logger LOG = LoggerFactory.getLogger(AutoRegistration.class);

  /** Most concurrent pending registrations from gateways (S001). */
  public static final int MAX_PENDING = 128;

  /** Why a registration was refused: the notification's code and text. */
  public record Refusal(String rc, String message) {}

  private final WatsonRegistry registry;
  private final ScheduledExecutorService timer;
  private final LongSupplier clock;
  private final Map<String, List<Runnable>> pending = new HashMap<>();
  /**
   * The actions queued for a device whose delayed registration completed, while its earlier ones run: run by the same
   * thread after them, so that a device's events keep their order.
   */
  private final Map<String, List<Runnable>> draining = new HashMap<>();
  private final Map<String, Long> backoffUntil = new HashMap<>();
  private long delayMillis;
  private int failNext;
  private long backoffMillis = 10_000;
  private int maxPerGateway = Integer.MAX_VALUE;
  private int maxPerOrganization = Integer.MAX_VALUE;

  /** Creates the registrar; {@code clock} gives epoch milliseconds. */
  public AutoRegistration(WatsonRegistry registry, ScheduledExecutorService timer, LongSupplier clock) {
    this.registry = registry;
    this.timer = timer;
    this.clock = clock;
  }

  /** Sets the limits and back-off (protocol.md §14.4). */
  public synchronized void configure(int maxPerGateway, int maxPerOrganization, long backoffMillis) {
    this.maxPerGateway = maxPerGateway;
    this.maxPerOrganization = maxPerOrganization;
    this.backoffMillis = backoffMillis;
  }

  /** Fault: registrations take {@code millis} (0: at once). */
  public synchronized void delay(long millis) {
    this.delayMillis = millis;
  }

  /** Fault: the next {@code count} registrations fail. */
  public synchronized void failNext(int count) {
    this.failNext = count;
  }

  /** Returns how many registrations are pending. */
  public synchronized int pendingCount() {
    return pending.size();
  }

  /**
   * Registers {@code typeId/deviceId} for {@code gateway} (its {@code type/id} key) and runs {@code then} once it
   * exists (at once, or when a delayed registration completes); returns null, or why it was refused (then
   * {@code then} never runs). A device already pending queues {@code then}.
   */
  public @Nullable Refusal register(String gateway, String typeId, String deviceId, Runnable then) {
    String key = WatsonRegistry.key(typeId, deviceId);
    boolean now;
    synchronized (this) {
      List<Runnable> waiting = pending.get(key);
      if (waiting == null) {
        waiting = draining.get(key);
      }
      if (waiting != null) {
        waiting.add(then); // behind the device's earlier actions, which another thread is about to run or running
        return null;
      }
      if (registry.get(typeId, deviceId) != null) {
        now = true;
      } else {
        Long until = backoffUntil.get(key);
        if (until != null && clock.getAsLong() < until) {
          return new Refusal(Notification.RC_REGISTRATION_BACKED_OFF,
              "device " + key + " failed to register recently; its messages are dropped until " + until);
        }
        if (registry.deviceCount() + pending.size() >= maxPerOrganization) {
          return new Refusal(Notification.RC_MAX_DEVICES_PER_ORGANIZATION,
              "the organisation has reached its maximum of " + maxPerOrganization + " devices");
        }
        if (registry.registeredBy(gateway) >= maxPerGateway) {
          return new Refusal(Notification.RC_MAX_DEVICES_PER_GATEWAY,
              "gateway " + gateway + " has reached its maximum of " + maxPerGateway + " devices");
        }
        if (pending.size() >= MAX_PENDING) {
          return new Refusal(Notification.RC_REGISTRATION_BACKED_OFF,
              MAX_PENDING + " registrations are pending; try again later");
        }
        if (failNext > 0) {
          failNext--;
          backoffUntil.put(key, clock.getAsLong() + backoffMillis);
          return new Refusal(Notification.RC_DEVICE_CREATION_FAILED,
              "device " + key + " could not be created (internal error)");
        }
        if (delayMillis <= 0) {
          registry.add(typeId, deviceId, WatsonRegistry.newToken(), false, gateway);
          now = true;
        } else {
          List<Runnable> queue = new ArrayList<>();
          queue.add(then);
          pending.put(key, queue);
          timer.schedule(() -> complete(gateway, typeId, deviceId), delayMillis, TimeUnit.MILLISECONDS);
          return null;
        }
      }
    }
    if (now) {
      then.run();
    }
    return null;
  }

  private void complete(String gateway, String typeId, String deviceId) {
    String key = WatsonRegistry.key(typeId, deviceId);
    List<Runnable> actions;
    synchronized (this) {
      actions = pending.remove(key);
      if (actions == null) {
        return;
      }
      if (registry.get(typeId, deviceId) == null) {
        registry.add(typeId, deviceId, WatsonRegistry.newToken(), false, gateway);
      }
      draining.put(key, new ArrayList<>());
    }
    while (true) {
      for (Runnable action : actions) {
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.warn("hub emulator: an action of auto-registered device {} failed: {}", key, e.toString(), e);
        }
      }
      synchronized (this) {
        List<Runnable> more = draining.get(key);
        if (more == null || more.isEmpty()) {
          draining.remove(key);
          return;
        }
        draining.put(key, new ArrayList<>());
        actions = more;
      }
    }
  }
}
