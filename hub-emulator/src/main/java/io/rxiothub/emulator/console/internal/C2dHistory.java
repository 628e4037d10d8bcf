// The cloud-to-device messages the console shows with their delivery state: the hub's queue keeps only pending
// ones, so the console remembers the newest it saw queued (completed and expired ones included).
package io.rxiothub.emulator.console.internal;

import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.emulator.internal.C2dEntry;
import io.rxiothub.emulator.internal.HubCore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The newest {@link #KEPT} C2D messages of the hub, and every pending one. Thread-safe. */
final class C2dHistory implements AutoCloseable {

  /** How many sent messages are remembered across all devices (each holds its payload, at most 64 KB). */
  static final int KEPT = 200;

  private final HubCore core;
  private final Deque<C2dEntry> recent = new ArrayDeque<>();
  private final Disposable feed;

  C2dHistory(HubCore core) {
    this.core = core;
    this.feed = core.cloudToDeviceSent().subscribe(this::remember);
  }

  private synchronized void remember(C2dEntry entry) {
    recent.addLast(entry);
    while (recent.size() > KEPT) {
      recent.removeFirst();
    }
  }

  /** The device's messages, oldest first: the remembered ones and those pending in its queue (restored ones). */
  List<C2dEntry> of(String deviceId) {
    Map<String, C2dEntry> byId = new LinkedHashMap<>();
    synchronized (this) {
      for (C2dEntry entry : recent) {
        if (entry.deviceId().equals(deviceId)) {
          byId.put(entry.messageId(), entry);
        }
      }
    }
    for (C2dEntry entry : core.c2d().pending()) {
      if (entry.deviceId().equals(deviceId)) {
        byId.putIfAbsent(entry.messageId(), entry);
      }
    }
    List<C2dEntry> out = new ArrayList<>(byId.values());
    out.sort((a, b) -> a.enqueuedTime().compareTo(b.enqueuedTime()));
    return out;
  }

  @Override
  public void close() {
    feed.dispose();
  }
}
