// Where the hub's state changes go besides memory: nowhere (in memory), or the data dir's database (StateDb).
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.DeviceIdentity;
import java.security.cert.X509Certificate;

/**
 * Receives every change of the durable hub state, called by the stores under their own locks right after the change
 * in memory, so the log sees changes in the order memory did. A call that returns has made the change durable (it
 * survives the process being killed); one that throws leaves the change in memory only and the caller's operation
 * fails.
 */
public interface StateLog {

  /** The log of an emulator without a data dir: keeps nothing. */
  StateLog NONE = new StateLog() {
    @Override
    public void identity(DeviceIdentity identity, long order) {}

    @Override
    public void identityRemoved(Identity identity) {}

    @Override
    public void twin(Identity identity, String serviceView) {}

    @Override
    public void twinRemoved(Identity identity) {}

    @Override
    public void c2d(C2dEntry entry) {}

    @Override
    public void c2dRemoved(C2dEntry entry) {}

    @Override
    public void policy(String name, String key) {}

    @Override
    public void authority(X509Certificate certificate, boolean registered) {}
  };

  /** An identity was created or changed; {@code order} is its place in creation order. */
  void identity(DeviceIdentity identity, long order);

  /** An identity was deleted (a device's modules get their own calls). */
  void identityRemoved(Identity identity);

  /** A twin changed; {@code serviceView} is its whole new service view (TwinStore#serviceView). */
  void twin(Identity identity, String serviceView);

  /** A twin was forgotten (its identity was deleted). */
  void twinRemoved(Identity identity);

  /** A C2D message was queued. */
  void c2d(C2dEntry entry);

  /** A C2D message left its queue (completed, expired, purged, or its device deleted). */
  void c2dRemoved(C2dEntry entry);

  /** A shared access policy got its key. */
  void policy(String name, String key);

  /** A CA certificate was registered ({@code registered}) or removed. */
  void authority(X509Certificate certificate, boolean registered);
}
