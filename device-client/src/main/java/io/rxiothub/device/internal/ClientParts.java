// The parts of a built client, as ClientFactory assembled them.
package io.rxiothub.device.internal;

import io.rxiothub.transport.internal.ClientCore;
import org.jspecify.annotations.Nullable;

/** A client's identity, its connection core, codec and feature settings. */
public final class ClientParts {
  /** The device id. */
  public final String deviceId;
  /** The module id, or null for a device. */
  public final @Nullable String moduleId;
  /** The connection. */
  public final ClientCore core;
  /** The topics and property bags of the identity. */
  public final MessageCodec codec;
  /** The twin and method settings. */
  public final FeatureSettings features;
  /** File upload over the hub's HTTPS endpoints (shared by clients built alike). */
  public final FileUploadEngine.UploadSettings uploads;

  ClientParts(String deviceId, @Nullable String moduleId, ClientCore core, MessageCodec codec,
      FeatureSettings features, FileUploadEngine.UploadSettings uploads) {
    this.deviceId = deviceId;
    this.moduleId = moduleId;
    this.core = core;
    this.codec = codec;
    this.features = features;
    this.uploads = uploads;
  }
}
