// Computes the patch that turns one twin collection into another (used to reconcile after a full GET).
package io.rxiothub.twin.internal;

import io.rxiothub.twin.TwinCollection;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The smallest patch, in merge semantics, that turns {@code from} into {@code to}. */
public final class TwinDiff {

  private TwinDiff() {}

  /**
   * Returns {@code p} such that {@code from.merge(p).equals(to)} whenever {@code to} holds no JSON null
   * (a twin document never does): removed keys map to null, changed objects to their own diff, other
   * changed values to the new value.
   */
  public static TwinCollection diff(TwinCollection from, TwinCollection to) {
    TwinCollection.Builder patch = TwinCollection.builder();
    for (String key : from.keySet()) {
      if (!to.containsKey(key)) {
        patch.put(key, null);
      }
    }
    for (Map.Entry<String, @Nullable Object> member : to.asMap().entrySet()) {
      String key = member.getKey();
      Object newValue = member.getValue();
      Object oldValue = from.get(key);
      if (from.containsKey(key) && equal(oldValue, newValue)) {
        continue;
      }
      if (oldValue instanceof TwinCollection && newValue instanceof TwinCollection) {
        patch.put(key, diff((TwinCollection) oldValue, (TwinCollection) newValue));
      } else {
        patch.put(key, newValue);
      }
    }
    return patch.build();
  }

  private static boolean equal(@Nullable Object a, @Nullable Object b) {
    return a == null ? b == null : a.equals(b);
  }
}
