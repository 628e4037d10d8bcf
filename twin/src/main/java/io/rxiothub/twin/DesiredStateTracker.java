// Keeps the desired properties in $version order across gaps and reconnects (protocol.md §6).
package io.rxiothub.twin;

import io.rxiothub.twin.internal.TwinDiff;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired-state tracker: turns desired notifications and full GETs into an ordered stream of desired
 * patches in which versions strictly increase.
 *
 * <p>Rules (protocol.md §6, TWIN reconnection flow):
 * <ul>
 *   <li>A patch with version {@code current + 1} is applied and emitted, followed by any buffered patches
 *       that are now contiguous.</li>
 *   <li>A patch with version {@code <= current} is ignored (duplicate or already covered by a GET).</li>
 *   <li>A patch with version {@code > current + 1} is a gap: it is buffered and the tracker asks for a GET
 *       ({@link Step#getRequired()}).</li>
 *   <li>Until the first GET result there is no current version: every patch is buffered.</li>
 *   <li>{@link #onReconnected()} asks for a GET, since notifications are not delivered while offline.</li>
 *   <li>A GET result ({@link #onTwin}) whose desired version is newer than the current one emits the
 *       changes missed meanwhile as one patch (the difference between the two states) carrying the GET's
 *       version; an older or equal one is ignored. Buffered patches with a version {@code <=} the new
 *       current version are then dropped, the rest applied if contiguous. The very first GET only sets the
 *       baseline and emits nothing.</li>
 * </ul>
 * So no emitted patch ever has a version at or below one emitted before it, and applying the emitted
 * patches in order to the baseline gives {@link #desired()}.
 *
 * <p>Not thread-safe: confine each tracker to one thread (or serialize calls).
 */
public final class DesiredStateTracker {

  private static final Logger LOG = LoggerFactory.getLogger(DesiredStateTracker.class);

  private final int maxBuffered;
  private final String logId;
  /** Out-of-order patches by version; null while there are none (a client keeps its tracker for life). */
  private @Nullable TreeMap<Long, TwinPatch> buffered;
  private TwinCollection desired = TwinCollection.empty();
  private @Nullable Long version;
  private boolean getRequired = true;

  private DesiredStateTracker(Builder b) {
    this.maxBuffered = b.maxBuffered;
    this.logId = b.logId;
  }

  /** Returns a builder (at most 256 buffered patches by default). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Feeds a desired-property notification.
   *
   * @throws IllegalArgumentException if {@code patch} has no version
   */
  public Step onDesiredPatch(TwinPatch patch) {
    if (patch == null || patch.version() == null) {
      throw new IllegalArgumentException("a desired patch fed to the tracker must carry its $version");
    }
    long v = patch.version();
    Long current = version;
    if (current != null && v <= current) {
      LOG.debug("{}: ignoring desired patch $version={} (current {})", logId, v, current);
      return Step.NOTHING;
    }
    if (current != null && v == current + 1) {
      List<TwinPatch> emitted = new ArrayList<>();
      apply(patch, emitted);
      drain(emitted);
      return new Step(emitted, false);
    }
    TreeMap<Long, TwinPatch> b = buffered;
    if (b == null) {
      b = new TreeMap<>();
      buffered = b;
    }
    b.put(v, patch);
    boolean askGet = false;
    if (b.size() > maxBuffered) {
      LOG.debug("{}: more than {} desired patches buffered; dropping them, a GET will catch up",
          logId, maxBuffered);
      buffered = null;
    }
    if (!getRequired) {
      LOG.debug("{}: desired $version gap (current {}, got {}): GET required", logId, current, v);
      getRequired = true;
      askGet = true;
    }
    return askGet ? Step.GET : Step.NOTHING;
  }

  /**
   * Feeds the result of a full GET (the tracker's own or any other).
   *
   * @throws IllegalArgumentException if {@code twin} is null
   */
  public Step onTwin(Twin twin) {
    if (twin == null) {
      throw new IllegalArgumentException("twin must not be null");
    }
    getRequired = false;
    long g = twin.desiredVersion();
    List<TwinPatch> emitted = new ArrayList<>();
    Long current = version;
    if (current == null) {
      desired = twin.desired();
      version = g;
      LOG.debug("{}: desired baseline $version={}", logId, g);
    } else if (g > current) {
      TwinCollection missed = TwinDiff.diff(desired, twin.desired());
      desired = twin.desired();
      version = g;
      if (!missed.isEmpty()) {
        emitted.add(TwinPatch.unchecked(missed, g));
      }
      LOG.debug("{}: desired reconciled from $version={} to {} by GET", logId, current, g);
    } else {
      LOG.debug("{}: ignoring GET with desired $version={} (current {})", logId, g, current);
    }
    TreeMap<Long, TwinPatch> b = buffered;
    if (b != null) {
      b.headMap(version, true).clear();
    }
    drain(emitted);
    boolean askGet = false;
    if (buffered != null) {
      getRequired = true;
      askGet = true;
    }
    return emitted.isEmpty() && !askGet ? Step.NOTHING : new Step(emitted, askGet);
  }

  /**
   * Tells the tracker the connection came back: notifications sent while offline are lost, so a GET is
   * required (always returns a step with {@link Step#getRequired()} true).
   */
  public Step onReconnected() {
    getRequired = true;
    return Step.GET;
  }

  /** Returns whether a GET is required and no GET result has arrived since. */
  public boolean isGetRequired() {
    return getRequired;
  }

  /** Returns the current desired version, or null before the first GET result. */
  public @Nullable Long version() {
    return version;
  }

  /** Returns the current desired properties (empty before the first GET result). */
  public TwinCollection desired() {
    return desired;
  }

  /** Returns how many out-of-order patches wait for the gap before them to close. */
  public int bufferedCount() {
    TreeMap<Long, TwinPatch> b = buffered;
    return b == null ? 0 : b.size();
  }

  private void apply(TwinPatch patch, List<TwinPatch> emitted) {
    desired = patch.applyTo(desired);
    version = patch.version();
    emitted.add(patch);
  }

  /** Applies the buffered patches that follow the current version; the buffer goes when it empties. */
  private void drain(List<TwinPatch> emitted) {
    TreeMap<Long, TwinPatch> b = buffered;
    if (b == null) {
      return;
    }
    while (version != null && !b.isEmpty()) {
      Map.Entry<Long, TwinPatch> first = b.firstEntry();
      if (first.getKey() != version + 1) {
        break;
      }
      b.pollFirstEntry();
      apply(first.getValue(), emitted);
    }
    if (b.isEmpty()) {
      buffered = null;
    }
  }

  /** What the caller must do after feeding the tracker: emit these patches, then GET if asked. */
  public static final class Step {

    static final Step NOTHING = new Step(Collections.<TwinPatch>emptyList(), false);
    static final Step GET = new Step(Collections.<TwinPatch>emptyList(), true);

    private final List<TwinPatch> updates;
    private final boolean getRequired;

    private Step(List<TwinPatch> updates, boolean getRequired) {
      this.updates = Collections.unmodifiableList(new ArrayList<>(updates));
      this.getRequired = getRequired;
    }

    /** Returns the patches to emit, in increasing version order (unmodifiable, possibly empty). */
    public List<TwinPatch> updates() {
      return updates;
    }

    /** Returns whether the caller must now GET the full twin and feed it to {@link #onTwin}. */
    public boolean getRequired() {
      return getRequired;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Step && updates.equals(((Step) o).updates) && getRequired == ((Step) o).getRequired;
    }

    @Override
    public int hashCode() {
      return 31 * updates.hashCode() + (getRequired ? 1 : 0);
    }

    @Override
    public String toString() {
      return "Step{updates=" + updates + ", getRequired=" + getRequired + "}";
    }
  }

  /** Builds a {@link DesiredStateTracker}. */
  public static final class Builder {

    private int maxBuffered = 256;
    private String logId = "twin";

    private Builder() {}

    /**
     * Sets how many out-of-order patches may wait for a gap to close; beyond that they are dropped and
     * the required GET catches up.
     *
     * @throws IllegalArgumentException if {@code maxBuffered} is not positive
     */
    public Builder maxBuffered(int maxBuffered) {
      if (maxBuffered <= 0) {
        throw new IllegalArgumentException("maxBuffered must be > 0, got " + maxBuffered);
      }
      this.maxBuffered = maxBuffered;
      return this;
    }

    /**
     * Sets the text that starts each log line, e.g. the device id.
     *
     * @throws IllegalArgumentException if {@code logId} is null
     */
    public Builder logId(String logId) {
      if (logId == null) {
        throw new IllegalArgumentException("logId must not be null");
      }
      this.logId = logId;
      return this;
    }

    /** Returns a tracker that has no baseline yet (so {@link #isGetRequired()} is true). */
    public DesiredStateTracker build() {
      return new DesiredStateTracker(this);
    }
  }
}
